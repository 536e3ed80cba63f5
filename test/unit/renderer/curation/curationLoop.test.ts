import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClipPrediction } from '../../../../src-shared/model/ClipPrediction.ts';
import { ClipCursor } from '../../../../src-renderer/lib/curation/ClipCursor.svelte.ts';
import type { CurationKeyEvent } from '../../../../src-renderer/lib/curation/curationKeys.ts';
import { CurationLoop } from '../../../../src-renderer/lib/curation/CurationLoop.svelte.ts';
import { LibraryState } from '../../../../src-renderer/lib/state/LibraryState.svelte.ts';
import { ToastState } from '../../../../src-renderer/lib/state/ToastState.svelte.ts';
import { TrainingState } from '../../../../src-renderer/lib/state/TrainingState.svelte.ts';
import { inMemoryLibrary } from './inMemoryLibrary.ts';

/** A keydown on a clip list itself (not in a field). */
function keydown(
  key: string,
  modifiers: Partial<Pick<CurationKeyEvent, 'ctrlKey' | 'shiftKey'>> = {},
): CurationKeyEvent {
  return {
    key,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...modifiers,
    target: { closest: () => null },
    preventDefault() {},
  };
}

const hotkeys = { '1': 'yes', '2': 'no' };

/** Three test clips, all "yes" in the library, with the cursor on the first. */
async function setUp() {
  const backend = inMemoryLibrary({ 1: 'yes', 2: 'yes', 3: 'yes' }, hotkeys);
  const toasts = new ToastState();
  const library = new LibraryState(backend.services, toasts);
  const loop = new CurationLoop(library, toasts);
  const rows = (await backend.services.runs.predictions({
    runId: 'run-1',
    actual: 'yes',
    predicted: 'no',
    split: 'test',
  })) as ClipPrediction[];
  const cursor = new ClipCursor(loop, () => rows);
  const changes: string[] = [];
  backend.services.library.onDidChangeLibrary(({ description }) => changes.push(description));
  const messages = () => toasts.toasts.map((toast) => `${toast.kind}: ${toast.message}`);
  return { backend, toasts, library, loop, rows, cursor, changes, messages };
}

describe('the curation loop', () => {
  it('loads the Library’s labels for the hotkeys and relabel choices when the Library was never opened', async () => {
    const { library, loop } = await setUp();
    expect(loop.hotkeys).toEqual({});
    loop.ensureLabels();
    await vi.waitFor(() => expect(library.loaded).toBe(true));
    expect(loop.hotkeys).toEqual(hotkeys);
    expect(loop.labelNames).toEqual(['no', 'yes']);
    expect(loop.hotkeyOf('no')).toBe('2');
  });

  it('relabels the cursor’s clip from its key through the Library’s edit path, moves on, and Ctrl+Z undoes it', async () => {
    const { backend, library, loop, rows, cursor, changes, messages } = await setUp();
    await library.reload();

    cursor.onKey(keydown('2'));
    await vi.waitFor(() => expect(cursor.index).toBe(1));
    // One recorded edit of the library, heard by every page through the change event.
    expect(backend.labelOf(1)).toBe('no');
    expect(backend.calls.setLabel).toBe(1);
    expect(changes).toEqual(['Label 1 clip as no']);
    expect(messages()).toEqual(['success: Label 1 clip as no · Ctrl+Z undoes']);
    // The list was fetched before the edit: it shows the new label until it is fetched again.
    expect(cursor.labelNow(rows[0]!)).toBe('no');
    expect(cursor.labelNow(rows[1]!)).toBe('yes');

    cursor.onKey(keydown('z', { ctrlKey: true }));
    await vi.waitFor(() => expect(backend.labelOf(1)).toBe('yes'));
    expect(changes).toEqual(['Label 1 clip as no', 'Undo: a label']);
    await vi.waitFor(() => expect(messages()).toContain('info: Undid: a label'));

    // Ctrl+Shift+Z redoes, as in the Library.
    cursor.onKey(keydown('z', { ctrlKey: true, shiftKey: true }));
    await vi.waitFor(() => expect(backend.labelOf(1)).toBe('no'));

    // The owner fetched the lists again: they carry the labels themselves.
    loop.forget();
    expect(loop.labelNow(1, 'yes')).toBe('yes');
  });

  it('a relabel from the drop-down stays on its row', async () => {
    const { backend, rows, cursor } = await setUp();
    await cursor.relabel(rows[2]!, null);
    expect(backend.labelOf(3)).toBeNull();
    expect(cursor.index).toBe(0);
    expect(cursor.labelNow(rows[2]!)).toBeNull();
  });

  it('a relabel the library refuses changes nothing on screen and says why', async () => {
    const { backend, library, rows, cursor, messages } = await setUp();
    await library.reload();
    backend.failNextEdit(new Error('The project is read-only: /data/words is on a read-only disk.'));
    cursor.onKey(keydown('2'));
    await vi.waitFor(() =>
      expect(messages()).toEqual(['error: The project is read-only: /data/words is on a read-only disk.']),
    );
    expect(cursor.index).toBe(0);
    expect(cursor.labelNow(rows[0]!)).toBe('yes');
    expect(backend.labelOf(1)).toBe('yes');
  });

  it('moves within the list, never past its ends', async () => {
    const { cursor } = await setUp();
    cursor.onKey(keydown('ArrowUp'));
    expect(cursor.index).toBe(0);
    cursor.onKey(keydown('End'));
    expect(cursor.index).toBe(2);
    cursor.onKey(keydown('ArrowDown'));
    expect(cursor.index).toBe(2);
    cursor.onKey(keydown('PageUp'));
    expect(cursor.current?.clipId).toBe(1);
  });

  it('with a pane, Space plays or stops there, and another row’s play button opens that clip to play', async () => {
    const { loop, rows } = await setUp();
    const cursor = new ClipCursor(loop, () => rows, { withPane: true });
    const toggled: number[] = [];
    cursor.pane = { toggle: () => toggled.push(cursor.index) };
    cursor.onKey(keydown(' '));
    expect(toggled).toEqual([0]);
    cursor.play(2);
    expect(cursor.index).toBe(2);
    expect(cursor.autoplay).toBe(true);
    expect(toggled).toEqual([0]);
    // The keyboard moving on does not play the next clip.
    cursor.onKey(keydown('ArrowUp'));
    expect(cursor.autoplay).toBe(false);
  });
});

describe('playing a list without a pane', () => {
  const started: number[] = [];
  const original = (globalThis as { AudioContext?: unknown }).AudioContext;

  beforeEach(() => {
    started.length = 0;
    // The Web Audio API is the browser's; this stands in for it, recording what would sound.
    (globalThis as { AudioContext?: unknown }).AudioContext = class {
      destination = {};
      resume = async () => undefined;
      createBuffer = (_channels: number, length: number) => ({ length, copyToChannel: () => undefined });
      createBufferSource = () => {
        const source = {
          buffer: null as { length: number } | null,
          onended: null as (() => void) | null,
          connect: () => undefined,
          start: () => started.push(source.buffer!.length),
          stop: () => source.onended?.(),
        };
        return source;
      };
    };
  });

  afterEach(() => {
    (globalThis as { AudioContext?: unknown }).AudioContext = original;
  });

  it('Space plays the cursor’s clip and Space again stops it; Enter is whatever the list makes it', async () => {
    const { loop, rows } = await setUp();
    const cursor = new ClipCursor(loop, () => rows);
    cursor.onKey(keydown(' '));
    await vi.waitFor(() => expect(cursor.playing).toBe(1));
    expect(started).toEqual([1600]);
    cursor.onKey(keydown(' '));
    expect(cursor.playing).toBeNull();

    let closed = false;
    cursor.onKey(keydown('Escape'), { escape: () => (closed = true), accept: () => cursor.play() });
    expect(closed).toBe(true);
    cursor.onKey(keydown('Enter'), { accept: () => cursor.play(1) });
    await vi.waitFor(() => expect(cursor.playing).toBe(2));
    cursor.stop();
    expect(cursor.playing).toBeNull();
  });

  it('a click on another clip while the first loads plays only the last one chosen', async () => {
    const { loop, rows } = await setUp();
    const cursor = new ClipCursor(loop, () => rows);
    cursor.play(0);
    cursor.play(2);
    await vi.waitFor(() => expect(cursor.playing).toBe(3));
    expect(started).toEqual([1600]);
  });
});

describe('the Train page’s confusion-cell list', () => {
  it('follows library edits made anywhere: the list reloads with the labels of now, and keeps its place', async () => {
    const backend = inMemoryLibrary({ 1: 'yes', 2: 'yes' }, hotkeys);
    const toasts = new ToastState();
    const library = new LibraryState(backend.services, toasts);
    const training = new TrainingState(backend.services, toasts, library);
    const stop = training.start();
    try {
      training.openRunId = 'run-1';
      await training.showCell({ actual: 'yes', predicted: 'no' });
      const cursor = new ClipCursor(training.curation, () => training.cellClips ?? []);
      cursor.index = 1;

      await cursor.relabel(training.cellClips![1]!, 'no');
      expect(backend.labelOf(2)).toBe('no');
      // Until the list reloads, the label given here is shown over the fetched one.
      expect(cursor.labelNow(training.cellClips![1]!)).toBe('no');
      await vi.waitFor(() => expect(training.cellClips![1]!.currentLabel).toBe('no'));
      expect(training.curation.relabeledHere(2)).toBe(false);
      expect(cursor.index).toBe(1);

      // Undone in the Library (its Ctrl+Z): the cell's list shows the label back, as the Library does.
      await library.undo();
      expect(backend.labelOf(2)).toBe('yes');
      await vi.waitFor(() => expect(training.cellClips![1]!.currentLabel).toBe('yes'));
      expect(cursor.labelNow(training.cellClips![1]!)).toBe('yes');

      // A closed cell stops following.
      const fetched = backend.calls.predictions;
      training.closeCell();
      await library.relabel([1], 'no');
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(backend.calls.predictions).toBe(fetched);
    } finally {
      stop();
    }
  });
});
