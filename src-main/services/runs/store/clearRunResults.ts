import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/**
 * Removes what a run recorded (metrics, predictions, artifact rows), keeping the run: a queue
 * coordinator rebuilds them from a whole record log when a job ends. Call it inside the transaction
 * that writes them again.
 */
export function clearRunResults(db: ProjectDatabase, runId: string): void {
  db.prepare('DELETE FROM metrics WHERE run_id = ?').run(runId);
  db.prepare('DELETE FROM latest_metrics WHERE run_id = ?').run(runId);
  db.prepare('DELETE FROM predictions WHERE run_id = ?').run(runId);
  db.prepare('DELETE FROM artifacts WHERE run_id = ?').run(runId);
}
