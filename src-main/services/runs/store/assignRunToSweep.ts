import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** Records that a run is one of a sweep's trials, so the run table groups and filters it by sweep. */
export function assignRunToSweep(db: ProjectDatabase, runId: string, sweepId: string): void {
  db.prepare('UPDATE runs SET sweep_id = ? WHERE id = ?').run(sweepId, runId);
}
