import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** Drops metrics past an epoch's last step: a resumed run rewrites what came after its checkpoint. */
export function truncateMetrics(db: ProjectDatabase, runId: string, afterStep: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > ?').run(runId, afterStep);
    db.prepare('DELETE FROM latest_metrics WHERE run_id = ?').run(runId);
    db.prepare(
      `INSERT INTO latest_metrics (run_id, key, step, value, time)
       SELECT run_id, key, step, value, time FROM metrics m
       WHERE run_id = ? AND step = (SELECT MAX(step) FROM metrics WHERE run_id = m.run_id AND key = m.key)
       GROUP BY key`,
    ).run(runId);
  })();
}
