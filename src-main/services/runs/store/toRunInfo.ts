import type { RunInfo, RunStatus, RunSummary } from '../../../../src-shared/model/Run.ts';
import type { TrainSpec } from '../../../../src-shared/model/TrainSpec.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** A row of `runs` as SQLite returns it (`SELECT *`). */
export interface RunRecord {
  id: string;
  name: string;
  status: RunStatus;
  error: string | null;
  spec_hash: string;
  snapshot_id: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  app_version: string;
  tensorflow_version: string | null;
  checkpoint_epoch: number | null;
  summary_json: string | null;
  spec_json: string;
}

/** A run as services answer it, with its latest value of each metric. */
export function toRunInfo(db: ProjectDatabase, record: RunRecord): RunInfo {
  const latest = Object.fromEntries(
    (
      db.prepare('SELECT key, value FROM latest_metrics WHERE run_id = ?').all(record.id) as {
        key: string;
        value: number;
      }[]
    ).map((row) => [row.key, row.value]),
  );
  return {
    id: record.id,
    name: record.name,
    spec: JSON.parse(record.spec_json) as TrainSpec,
    status: record.status,
    error: record.error,
    specHash: record.spec_hash,
    snapshotId: record.snapshot_id,
    createdAt: record.created_at,
    startedAt: record.started_at,
    finishedAt: record.finished_at,
    appVersion: record.app_version,
    tensorflowVersion: record.tensorflow_version,
    checkpointEpoch: record.checkpoint_epoch,
    latest,
    summary: record.summary_json ? (JSON.parse(record.summary_json) as RunSummary) : null,
  };
}
