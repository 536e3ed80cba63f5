import type { DeployStats } from '../../../../src-shared/model/Run.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/**
 * Records what a finished run's int8 TFLite model measured in its summary (`deploy`), replacing an
 * earlier measurement: what the Runs table, Compare and sweeps read as `stats.tflite_int8_*`.
 * A run without a summary (not finished) is left alone; returns whether the run was updated.
 */
export function recordDeployStats(db: ProjectDatabase, runId: string, deploy: DeployStats): boolean {
  const result = db
    .prepare(
      `UPDATE runs SET summary_json = json_set(summary_json, '$.deploy', json(?))
       WHERE id = ? AND summary_json IS NOT NULL AND status = 'done'`,
    )
    .run(JSON.stringify(deploy), runId);
  return result.changes > 0;
}
