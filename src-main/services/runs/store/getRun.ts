import type { RunDetail } from '../../../../src-shared/model/Run.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import type { MetricPoint } from './recordMetrics.ts';
import { toRunInfo, type RunRecord } from './toRunInfo.ts';

/** The run with every metric point, or null when the project has no such run (deleted ones included). */
export function getRun(db: ProjectDatabase, runId: string): RunDetail | null {
  const record = db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRecord | undefined;
  if (!record) return null;
  const metrics: RunDetail['metrics'] = {};
  for (const row of db
    .prepare('SELECT key, step, value FROM metrics WHERE run_id = ? ORDER BY key, step')
    .all(runId) as MetricPoint[]) {
    (metrics[row.key] ??= []).push({ step: row.step, value: row.value });
  }
  return { ...toRunInfo(db, record), metrics };
}
