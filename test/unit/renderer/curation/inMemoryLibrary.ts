import type { ServiceTable } from '../../../../src-shared/contract/ServiceTable.ts';
import type { LibraryChange } from '../../../../src-shared/contract/LibraryService.ts';
import { Emitter } from '../../../../src-shared/contract/events.ts';
import type { ClipPrediction } from '../../../../src-shared/model/ClipPrediction.ts';
import type { ClipRow } from '../../../../src-shared/model/Clip.ts';

/**
 * The library service's labeling part, in memory: clips with labels, label counts with hotkeys,
 * setLabel as one recorded batch with undo and redo, and the change event fired after each, as the
 * real service does. Enough for the renderer's curation state; calls are counted for the tests.
 */
export function inMemoryLibrary(labels: Record<number, string | null>, hotkeys: Record<string, string>) {
  const current = new Map(Object.entries(labels).map(([id, label]) => [Number(id), label]));
  const undone: Map<number, string | null>[] = [];
  const history: Map<number, string | null>[] = [];
  const changed = new Emitter<LibraryChange>();
  const calls = { setLabel: 0, undo: 0, predictions: 0 };
  let failNextEdit: Error | null = null;

  const row = (id: number): ClipRow => ({
    id,
    hash: `h${id}`,
    kind: 'sample',
    label: current.get(id) ?? null,
    speaker: null,
    split: 'test',
    originalName: `clip${id}.wav`,
    durationMs: 1000,
    sampleRate: 16_000,
    channels: 1,
    bitsPerSample: 16,
    addedAt: '2025-01-01T00:00:00.000Z',
  });
  /** Puts labels back, and returns the ones it replaced (for the opposite step). */
  const restore = (labelsBefore: Map<number, string | null>) => {
    const replaced = new Map([...labelsBefore.keys()].map((id) => [id, current.get(id) ?? null]));
    for (const [id, label] of labelsBefore) current.set(id, label);
    return replaced;
  };

  const library = {
    async listClips() {
      const rows = [...current.keys()].map(row);
      return { total: rows.length, offset: 0, rows };
    },
    async clipIds() {
      return Int32Array.from(current.keys());
    },
    async labelCounts() {
      const names = new Set(
        [...current.values(), ...Object.values(hotkeys)].filter((label): label is string => label !== null),
      );
      return [...names].map((label) => ({
        label,
        count: [...current.values()].filter((value) => value === label).length,
        hotkey: Object.entries(hotkeys).find(([, name]) => name === label)?.[0] ?? null,
      }));
    },
    async flagCounts() {
      return [];
    },
    async clipAudio({ clipId }: { clipId: number }) {
      return { clipId, sampleRate: 16_000, samples: new Float32Array(1600) };
    },
    async setLabel({ clipIds, label }: { clipIds: readonly number[]; label: string | null }) {
      calls.setLabel++;
      if (failNextEdit) {
        const error = failNextEdit;
        failNextEdit = null;
        throw error;
      }
      for (const id of clipIds) if (!current.has(id)) throw new Error(`No clip ${id} in the library.`);
      history.push(restore(new Map(clipIds.map((id) => [id, label]))));
      undone.length = 0;
      const description = `Label ${clipIds.length} clip${clipIds.length === 1 ? '' : 's'} as ${label ?? 'unlabeled'}`;
      changed.fire({ description });
      return { batchId: `batch-${history.length}`, description, changed: clipIds.length };
    },
    async undo() {
      calls.undo++;
      const last = history.pop();
      if (!last) return null;
      undone.push(restore(last));
      changed.fire({ description: 'Undo: a label' });
      return 'a label';
    },
    async redo() {
      const last = undone.pop();
      if (!last) return null;
      history.push(restore(last));
      changed.fire({ description: 'Redo: a label' });
      return 'a label';
    },
    onDidChangeLibrary: changed.event,
  };

  /** Test-split predictions of one run: the run's labels are `labels` as given; `currentLabel` is the library's now. */
  const runs = {
    async predictions(): Promise<ClipPrediction[]> {
      calls.predictions++;
      return Object.entries(labels).map(([id, label]) => ({
        clipId: Number(id),
        originalName: `clip${id}.wav`,
        split: 'test',
        label: label ?? '_unknown_',
        currentLabel: current.get(Number(id)) ?? null,
        predicted: 'no',
        confidence: 0.9,
      }));
    },
  };

  const never = () => () => undefined;
  const services = {
    library,
    runs,
    training: { onDidProgress: never },
    project: { onDidChangeProject: never },
  } as unknown as ServiceTable;

  return {
    services,
    calls,
    labelOf: (clipId: number) => current.get(clipId) ?? null,
    failNextEdit(error: Error) {
      failNextEdit = error;
    },
  };
}
