import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { requireRuns } from './requireRuns.ts';
import { liveOwnerOf, runBusyError } from './runOwners.ts';

/** Throws, naming the process, when a live process owns any of the runs (or one is not in the project). */
export function refuseOwnedRuns(db: ProjectDatabase, runIds: readonly string[]): void {
  requireRuns(db, runIds);
  for (const runId of new Set(runIds)) {
    const owner = liveOwnerOf(db, runId);
    if (owner) throw runBusyError(runId, owner);
  }
}
