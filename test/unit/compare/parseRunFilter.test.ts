import { describe, expect, it } from 'vitest';
import { parseRunFilter } from '../../../src-shared/compare/parseRunFilter.ts';

describe('parseRunFilter', () => {
  it('reads conditions joined by and, &&, AND or a comma', () => {
    const expected = [
      { key: 'val_accuracy', op: '>', value: 0.9 },
      { key: 'model.kind', op: '=', value: 'ds_cnn' },
    ];
    for (const text of [
      'val_accuracy > 0.9 and model.kind = ds_cnn',
      'val_accuracy>0.9 AND model.kind=ds_cnn',
      'val_accuracy > 0.9 && model.kind = ds_cnn',
      'val_accuracy > 0.9, model.kind = ds_cnn',
    ]) {
      expect(parseRunFilter(text)).toEqual({ conditions: expected, problems: [] });
    }
  });

  it('reads every operator, numbers, booleans and quoted text', () => {
    const { conditions, problems } = parseRunFilter(
      `a = 1 and b != x and c > -1e-3 and d >= 2 and e < .5 and f <= 3 and tags ~ baseline and name ~ "go stop" and starred = TRUE and s = false and q = '0.9' and g == 1 and h <> 2 and k = "say \\"hi\\""`,
    );
    expect(problems).toEqual([]);
    expect(conditions).toEqual([
      { key: 'a', op: '=', value: 1 },
      { key: 'b', op: '!=', value: 'x' },
      { key: 'c', op: '>', value: -0.001 },
      { key: 'd', op: '>=', value: 2 },
      { key: 'e', op: '<', value: 0.5 },
      { key: 'f', op: '<=', value: 3 },
      { key: 'tags', op: '~', value: 'baseline' },
      { key: 'name', op: '~', value: 'go stop' },
      { key: 'starred', op: '=', value: true },
      { key: 's', op: '=', value: false },
      { key: 'q', op: '=', value: '0.9' },
      { key: 'g', op: '=', value: 1 },
      { key: 'h', op: '!=', value: 2 },
      { key: 'k', op: '=', value: 'say "hi"' },
    ]);
  });

  it('keeps dates, dashes and apostrophes inside unquoted words', () => {
    expect(parseRunFilter(`created > 2025-01-01 and name ~ don't and model.blocks[0] = 64`).conditions).toEqual([
      { key: 'created', op: '>', value: '2025-01-01' },
      { key: 'name', op: '~', value: "don't" },
      { key: 'model.blocks[0]', op: '=', value: 64 },
    ]);
  });

  it('gives nothing for empty text, and skips a trailing separator while typing', () => {
    expect(parseRunFilter('')).toEqual({ conditions: [], problems: [] });
    expect(parseRunFilter('   ')).toEqual({ conditions: [], problems: [] });
    expect(parseRunFilter('epochs > 3 and ')).toEqual({
      conditions: [{ key: 'epochs', op: '>', value: 3 }],
      problems: [],
    });
  });

  it('explains each broken part and keeps the rest', () => {
    const problems = (text: string) => parseRunFilter(text).problems;
    expect(problems('val_accuracy')).toEqual(['expected an operator after "val_accuracy" (one of = != > >= < <= ~)']);
    expect(problems('val_accuracy 0.9')).toEqual([
      'expected an operator after "val_accuracy" (one of = != > >= < <= ~), found "0.9"',
    ]);
    expect(problems('val_accuracy >')).toEqual(['expected a value after "val_accuracy >"']);
    expect(problems('val_accuracy => 0.9')).toEqual([
      'unknown operator "=>" after "val_accuracy" (one of = != > >= < <= ~)',
    ]);
    expect(problems('> 0.9')).toEqual(['expected a key before ">"']);
    expect(problems('name ~ go stop')).toEqual([
      'unexpected "stop" after "name ~ go": join conditions with "and"; put a value with spaces in quotes: "go stop"',
    ]);
    expect(problems('name ~ "go stop')).toEqual(['"go stop has no closing quote']);
    const mixed = parseRunFilter('epochs > 3 and val_accuracy and model.kind = conv');
    expect(mixed.conditions).toEqual([
      { key: 'epochs', op: '>', value: 3 },
      { key: 'model.kind', op: '=', value: 'conv' },
    ]);
    expect(mixed.problems).toHaveLength(1);
  });

  it('says there is no "or"', () => {
    for (const text of ['a = 1 or b = 2', 'a = 1 OR b = 2', 'a = 1 || b = 2']) {
      const { conditions, problems } = parseRunFilter(text);
      expect(conditions).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^"(or|OR|\|\|)" is not supported: every condition must hold/);
    }
  });
});
