import { describe, expect, it } from 'vitest';
import {
  onCurationKey,
  PAGE_STEP,
  type CurationKeyActions,
  type CurationKeyEvent,
} from '../../../../src-renderer/lib/curation/curationKeys.ts';

/** A keydown as the DOM hands it over, aimed at an element matching `inside` (e.g. 'input'), or at the page. */
function keydown(
  key: string,
  modifiers: Partial<Pick<CurationKeyEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>> = {},
  inside: string[] = [],
) {
  const event = {
    key,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...modifiers,
    target: {
      closest: (selector: string) => (selector.split(',').some((part) => inside.includes(part.trim())) ? {} : null),
    },
    prevented: false,
    preventDefault() {
      event.prevented = true;
    },
  };
  return event;
}

/** Every action, recording what was asked of it. */
function recorder(optional: (keyof CurationKeyActions)[] = ['accept', 'escape', 'selectAll', 'remove']) {
  const calls: string[] = [];
  const actions: CurationKeyActions = {
    move: (delta, extend) => calls.push(`move ${delta}${extend ? ' extend' : ''}`),
    play: () => calls.push('play'),
    undo: () => calls.push('undo'),
    redo: () => calls.push('redo'),
    relabel: (label) => calls.push(`relabel ${label}`),
  };
  for (const name of optional) (actions as unknown as Record<string, () => number>)[name] = () => calls.push(name);
  return { calls, actions };
}

const hotkeys = { '1': 'yes', '2': 'no', n: 'noise' };

describe('onCurationKey', () => {
  it('moves by one, by a page and to either end, extending with Shift', () => {
    const { calls, actions } = recorder();
    for (const [key, shiftKey] of [
      ['ArrowDown', false],
      ['ArrowUp', true],
      ['PageDown', false],
      ['PageUp', false],
      ['Home', false],
      ['End', true],
    ] as const) {
      const event = keydown(key, { shiftKey });
      expect(onCurationKey(event, hotkeys, actions)).toBe(true);
      expect(event.prevented).toBe(true);
    }
    expect(calls).toEqual([
      'move 1',
      'move -1 extend',
      `move ${PAGE_STEP}`,
      `move -${PAGE_STEP}`,
      'move -Infinity',
      'move Infinity extend',
    ]);
  });

  it('plays on Space, relabels on a label’s key (either case), undoes and redoes the library’s edits', () => {
    const { calls, actions } = recorder();
    for (const [key, modifiers] of [
      [' ', {}],
      ['2', {}],
      ['N', { shiftKey: true }],
      ['z', { ctrlKey: true }],
      ['Z', { metaKey: true, shiftKey: true }],
      ['y', { ctrlKey: true }],
    ] as const) {
      expect(onCurationKey(keydown(key, modifiers), hotkeys, actions)).toBe(true);
    }
    expect(calls).toEqual(['play', 'relabel no', 'relabel noise', 'undo', 'redo', 'redo']);
  });

  it('leaves a label’s key alone with Ctrl, Alt or Cmd held, and keys that are no label’s', () => {
    const { calls, actions } = recorder();
    for (const event of [
      keydown('1', { ctrlKey: true }),
      keydown('1', { altKey: true }),
      keydown('1', { metaKey: true }),
      keydown('7'),
      keydown('x'),
    ]) {
      expect(onCurationKey(event, hotkeys, actions)).toBe(false);
      expect(event.prevented).toBe(false);
    }
    expect(calls).toEqual([]);
  });

  it('takes the list’s own keys only when it has them: Enter, Escape, Ctrl+A, Delete', () => {
    const full = recorder();
    for (const event of [
      keydown('Enter'),
      keydown('Escape'),
      keydown('a', { ctrlKey: true }),
      keydown('Delete'),
      keydown('Backspace'),
    ]) {
      expect(onCurationKey(event, hotkeys, full.actions)).toBe(true);
    }
    expect(full.calls).toEqual(['accept', 'escape', 'selectAll', 'remove', 'remove']);

    const bare = recorder([]);
    const selectAll = keydown('a', { ctrlKey: true });
    for (const event of [keydown('Enter'), keydown('Escape'), selectAll, keydown('Delete')])
      expect(onCurationKey(event, hotkeys, bare.actions)).toBe(false);
    // Ctrl+A then selects the page's text, as the browser does.
    expect(selectAll.prevented).toBe(false);
    expect(bare.calls).toEqual([]);
  });

  it('lets Escape keep its default, so the browser closes what it has open too', () => {
    const { actions } = recorder();
    const event = keydown('Escape');
    expect(onCurationKey(event, hotkeys, actions)).toBe(true);
    expect(event.prevented).toBe(false);
  });

  it('leaves every key typed into a text field to the field, Ctrl+Z too', () => {
    const { calls, actions } = recorder();
    for (const field of ['input', 'textarea', '[contenteditable]']) {
      for (const event of [
        keydown('1', {}, [field]),
        keydown('z', { ctrlKey: true }, [field]),
        keydown(' ', {}, [field]),
        keydown('ArrowDown', {}, [field]),
      ]) {
        expect(onCurationKey(event, hotkeys, actions)).toBe(false);
      }
    }
    expect(calls).toEqual([]);
  });

  it('on a drop-down, undoes and redoes but leaves its arrows, letters and Space to it', () => {
    const { calls, actions } = recorder();
    expect(onCurationKey(keydown('ArrowDown', {}, ['select']), hotkeys, actions)).toBe(false);
    expect(onCurationKey(keydown('1', {}, ['select']), hotkeys, actions)).toBe(false);
    expect(onCurationKey(keydown(' ', {}, ['select']), hotkeys, actions)).toBe(false);
    expect(onCurationKey(keydown('z', { ctrlKey: true }, ['select']), hotkeys, actions)).toBe(true);
    expect(calls).toEqual(['undo']);
  });

  it('leaves Space on a focused button to the button', () => {
    const { calls, actions } = recorder();
    const event = keydown(' ', {}, ['button']);
    expect(onCurationKey(event, hotkeys, actions)).toBe(false);
    expect(event.prevented).toBe(false);
    expect(onCurationKey(keydown('2', {}, ['button']), hotkeys, actions)).toBe(true);
    expect(calls).toEqual(['relabel no']);
  });
});
