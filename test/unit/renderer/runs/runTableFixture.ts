import type { RunRow } from '../../../../src-shared/model/RunTable.ts';
import type { TrainingProgress } from '../../../../src-shared/model/Run.ts';
import { Emitter } from '../../../../src-shared/contract/events.ts';
import { ToastState } from '../../../../src-renderer/lib/state/ToastState.svelte.ts';
import { RunTableState } from '../../../../src-renderer/pages/runs/state/RunTableState.svelte.ts';
import { inMemoryServices, settle } from '../../../support/inMemoryServices.ts';
import { memoryStorage } from '../../../support/memoryStorage.ts';
import { fakeRun, InMemoryRunService } from '../../../support/inMemoryRunService.ts';

export const PROJECT = '/projects/history';

/**
 * 250 runs, one a minute, newest last: run i has val_accuracy (i·37 mod 100)/100, one of three
 * model kinds, every 5th is in "width sweep" and every 7th (not 5th) in "pruning sweep", every 10th
 * is starred, and the newest ten (240–249) are archived, so the Active tab has 240.
 */
export function historyRuns(count = 250): RunRow[] {
  return Array.from({ length: count }, (_, i) => {
    const sweep =
      i % 5 === 0
        ? { sweepId: 'sweep-width', sweepName: 'width sweep' }
        : i % 7 === 0
          ? { sweepId: 'sweep-prune', sweepName: 'pruning sweep' }
          : {};
    return fakeRun(
      i,
      {
        val_accuracy: ((i * 37) % 100) / 100,
        'model.kind': ['ds_cnn', 'tiny_conv', 'conv'][i % 3]!,
        'stats.gzip_kb': i,
      },
      { ...sweep, starred: i % 10 === 0, archived: i >= count - 10 },
    );
  });
}

/** The Runs page's state over the in-memory run service, shown for a project (first page loaded). */
export async function shownRunTable(rows = historyRuns(), storage = memoryStorage()) {
  const runs = new InMemoryRunService(rows);
  const training = new Emitter<TrainingProgress>();
  const server = inMemoryServices({ runs, training: { onDidProgress: training.event } });
  const toasts = new ToastState();
  const table = new RunTableState(server.services, toasts, storage);
  const stop = table.start();
  await table.show(PROJECT);
  await settle();
  return { table, runs, training, server, toasts, storage, stop };
}

/** The ids of runs by index, as the fake names them. */
export const ids = (...indexes: number[]) => indexes.map((index) => fakeRun(index).id);

/** The loaded rows from `from` on, as run ids (undefined where not loaded). */
export function shownIds(table: RunTableState, from: number, count: number): (string | undefined)[] {
  return Array.from({ length: count }, (_, i) => table.pages.rowAt(from + i)?.id);
}
