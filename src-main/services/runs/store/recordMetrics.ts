import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

export interface MetricPoint {
  key: string;
  step: number;
  value: number;
}

/**
 * One transaction per batch of points, keeping latest_metrics in step (MLflow's single write path).
 * A point is stored once per (run, key, step) (a unique index): written again, it is replaced. A
 * resumed run re-records the steps its checkpoint did not keep, and a remote run's record log may
 * arrive more than once; the run that goes on is the one whose values count.
 */
export function recordMetrics(
  db: ProjectDatabase,
  runId: string,
  points: readonly MetricPoint[],
  time = new Date().toISOString(),
): void {
  const insert = db.prepare('INSERT OR REPLACE INTO metrics (run_id, key, step, value, time) VALUES (?, ?, ?, ?, ?)');
  const latest = db.prepare(
    `INSERT INTO latest_metrics (run_id, key, step, value, time) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, key) DO UPDATE SET step = excluded.step, value = excluded.value, time = excluded.time
     WHERE excluded.step >= latest_metrics.step`,
  );
  db.transaction(() => {
    for (const point of points) {
      if (!Number.isFinite(point.value)) continue;
      insert.run(runId, point.key, point.step, point.value, time);
      latest.run(runId, point.key, point.step, point.value, time);
    }
  })();
}
