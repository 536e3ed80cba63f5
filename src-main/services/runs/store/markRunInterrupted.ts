import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/**
 * Marks a run whose process is gone `interrupted`, with why. Only a run still queued or running
 * changes (one that ended in the meantime keeps its ending); returns whether it changed. Orphan
 * recovery calls it inside its own transaction, with the owners checked under the same lock.
 */
export function markRunInterrupted(
  db: ProjectDatabase,
  runId: string,
  error: string,
  finishedAt = new Date().toISOString(),
): boolean {
  return (
    db
      .prepare(
        `UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ? AND status IN ('queued', 'running')`,
      )
      .run(finishedAt, error, runId).changes > 0
  );
}
