import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { refuseOwnedRuns } from './refuseOwnedRuns.ts';
import { recoverOrphanRuns } from './runOwners.ts';
import { updateEachRun } from './updateEachRun.ts';

/**
 * Soft delete: the run leaves every list but the trash, and `restore` brings it back unchanged. A
 * run a live process owns is refused, naming the process; the check and the delete are one
 * transaction, and a deleted run cannot be claimed, so a run is never trained in the trash. A run
 * left running by a process that is gone is marked interrupted first.
 */
export function setRunDeleted(db: ProjectDatabase, runIds: readonly string[], deleted: boolean): number {
  if (!deleted)
    return updateEachRun(
      db,
      runIds,
      'UPDATE runs SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL',
      (id) => [id],
    );
  const now = new Date().toISOString();
  const remove = db.transaction(() => {
    refuseOwnedRuns(db, runIds);
    recoverOrphanRuns(db);
    return updateEachRun(db, runIds, 'UPDATE runs SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL', (id) => [
      now,
      id,
    ]);
  });
  return remove.immediate();
}
