import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import type { PurgeResult } from '../../../../src-shared/model/RunTable.ts';
import type { OpenProject } from '../../project/ProjectSession.ts';
import { detachTrialsFromRun } from '../../sweeps/sweepStore.ts';
import { refuseOwnedRuns } from './refuseOwnedRuns.ts';
import { listRunIds, requireRuns } from './requireRuns.ts';

/**
 * Removes deleted runs for good: their rows (metrics, predictions, tags and artifacts cascade) and
 * their folder of checkpoints and models. Only runs already in the trash; without ids, the whole
 * trash. A sweep that still runs keeps its runs, since its scheduler reads them.
 */
export function purgeDeletedRuns(project: OpenProject, runIds?: readonly string[]): PurgeResult {
  const { db, layout } = project;
  if (runIds) {
    requireRuns(db, runIds);
    const live = db
      .prepare('SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL')
      .pluck()
      .all(JSON.stringify(runIds)) as string[];
    if (live.length)
      throw new StudioError(
        'invalid_input',
        `${listRunIds(live)} ${live.length === 1 ? 'is' : 'are'} not deleted; delete before purging.`,
      );
  }
  const targets = runIds
    ? [...new Set(runIds)]
    : (db.prepare('SELECT id FROM runs WHERE deleted_at IS NOT NULL').pluck().all() as string[]);
  const inLiveSweeps = db
    .prepare(
      `SELECT r.id FROM runs r JOIN sweeps s ON s.id = r.sweep_id
       WHERE r.id IN (SELECT value FROM json_each(?)) AND s.status IN ('running', 'paused')`,
    )
    .pluck()
    .all(JSON.stringify(targets)) as string[];
  if (inLiveSweeps.length) {
    throw new StudioError(
      'invalid_input',
      `${listRunIds(inLiveSweeps)} belong${inLiveSweeps.length === 1 ? 's' : ''} to a sweep that has not ended; finish or cancel the sweep before purging.`,
    );
  }
  const purge = db.transaction(() => {
    // A run in the trash cannot be claimed; one deleted by an older version while it was claimed can be.
    refuseOwnedRuns(db, targets);
    const remove = db.prepare('DELETE FROM runs WHERE id = ?');
    for (const id of targets) {
      detachTrialsFromRun(db, id);
      remove.run(id);
    }
  });
  purge.immediate();
  let bytesFreed = 0;
  for (const id of targets) {
    const folder = path.join(layout.runs, id);
    bytesFreed += folderBytes(folder);
    fs.rmSync(folder, { recursive: true, force: true });
  }
  return { purged: targets.length, bytesFreed };
}

function folderBytes(folder: string): number {
  if (!fs.existsSync(folder)) return 0;
  let bytes = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}
