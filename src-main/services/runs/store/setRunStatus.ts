import type { RunStatus, RunSummary } from '../../../../src-shared/model/Run.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** Moves a run to `status`, stamping when it started and ended; a run set running again clears its end and error. */
export function setRunStatus(
  db: ProjectDatabase,
  runId: string,
  status: RunStatus,
  fields: { error?: string | null; summary?: RunSummary; tensorflowVersion?: string; checkpointEpoch?: number } = {},
): void {
  const now = new Date().toISOString();
  db.prepare(
    `UPDATE runs SET status = ?,
       started_at = CASE WHEN ? = 'running' AND started_at IS NULL THEN ? ELSE started_at END,
       finished_at = CASE WHEN ? IN ('done', 'failed', 'cancelled', 'interrupted') THEN ? WHEN ? = 'running' THEN NULL ELSE finished_at END,
       error = CASE WHEN ? = 'running' THEN NULL ELSE COALESCE(?, error) END,
       summary_json = COALESCE(?, summary_json),
       tensorflow_version = COALESCE(?, tensorflow_version),
       checkpoint_epoch = COALESCE(?, checkpoint_epoch)
     WHERE id = ?`,
  ).run(
    status,
    status,
    now,
    status,
    now,
    status,
    status,
    fields.error ?? null,
    fields.summary ? JSON.stringify(fields.summary) : null,
    fields.tensorflowVersion ?? null,
    fields.checkpointEpoch ?? null,
    runId,
  );
}
