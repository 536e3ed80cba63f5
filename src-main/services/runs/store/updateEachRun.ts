import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { requireRuns } from './requireRuns.ts';

/**
 * Runs one UPDATE per run (each id once), all or none in one transaction, after checking every run
 * exists; returns how many runs changed. `sql` should leave runs already in the wanted state
 * untouched, so the count says what the edit did.
 */
export function updateEachRun(
  db: ProjectDatabase,
  runIds: readonly string[],
  sql: string,
  args: (id: string) => unknown[],
): number {
  requireRuns(db, runIds);
  const statement = db.prepare(sql);
  return db.transaction(() =>
    [...new Set(runIds)].reduce((changed, id) => changed + statement.run(...args(id)).changes, 0),
  )();
}
