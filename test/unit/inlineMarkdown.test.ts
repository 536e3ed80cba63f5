import { describe, expect, it } from 'vitest';
import { inlineMarkdown } from '../../src-renderer/lib/ui/inlineMarkdown.ts';

describe('inlineMarkdown', () => {
  it('splits the advice the doctor gives into text and code', () => {
    expect(
      inlineMarkdown('run `npm run setup:tensorflow` in the studio folder; see docs/native-tensorflow.md.'),
    ).toEqual([
      { kind: 'text', text: 'run ' },
      { kind: 'code', text: 'npm run setup:tensorflow' },
      { kind: 'text', text: ' in the studio folder; see docs/native-tensorflow.md.' },
    ]);
  });

  it('reads bold and links, keeping a link’s target as text to show, not to follow', () => {
    expect(inlineMarkdown('**Install** it, see [the guide](https://example.com/x).')).toEqual([
      { kind: 'strong', text: 'Install' },
      { kind: 'text', text: ' it, see ' },
      { kind: 'link', text: 'the guide', target: 'https://example.com/x' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves markup it does not know, unbalanced markers and HTML as plain text', () => {
    expect(inlineMarkdown('a `b and **c')).toEqual([{ kind: 'text', text: 'a `b and **c' }]);
    expect(inlineMarkdown('<img src=x onerror=alert(1)> _x_')).toEqual([
      { kind: 'text', text: '<img src=x onerror=alert(1)> _x_' },
    ]);
    expect(inlineMarkdown('')).toEqual([]);
  });
});
