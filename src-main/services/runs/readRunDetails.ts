import type { ComparedRun, MetricSeriesPoint } from '../../../src-shared/model/RunComparison.ts';
import type { RunStatus, RunSummary } from '../../../src-shared/model/Run.ts';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { requireRuns } from './store/requireRuns.ts';

/** A run with everything a comparison or a JSON export shows about it. */
export interface RunDetailRecord extends ComparedRun {
  archivedAt: string | null;
  deletedAt: string | null;
  specHash: string;
  snapshotId: string;
  appVersion: string;
  tensorflowVersion: string | null;
}

interface RunDetailRow {
  id: string;
  name: string;
  status: RunStatus;
  error: string | null;
  sweep_id: string | null;
  sweep_name: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  archived_at: string | null;
  deleted_at: string | null;
  note: string;
  starred: number;
  spec_hash: string;
  snapshot_id: string;
  app_version: string;
  tensorflow_version: string | null;
  spec_json: string;
  summary_json: string | null;
}

/** The runs in the order given; throws naming any that is not in the project. */
export function readRunDetails(db: ProjectDatabase, runIds: readonly string[]): RunDetailRecord[] {
  requireRuns(db, runIds);
  const read = db.prepare(
    `SELECT r.id, r.name, r.status, r.error, r.sweep_id, s.name AS sweep_name, r.created_at, r.started_at, r.finished_at, r.archived_at,
            r.deleted_at, r.note, r.starred, r.spec_hash, r.snapshot_id, r.app_version, r.tensorflow_version, r.spec_json, r.summary_json
     FROM runs r LEFT JOIN sweeps s ON s.id = r.sweep_id WHERE r.id = ?`,
  );
  const tags = db.prepare('SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag COLLATE NOCASE').pluck();
  const metrics = db
    .prepare('SELECT key, step, value, time FROM metrics WHERE run_id = ? ORDER BY key, step, rowid')
    .raw();
  return runIds.map((runId) => {
    const row = read.get(runId) as RunDetailRow;
    const points = metrics.all(runId) as [string, number, number, string][];
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      error: row.error,
      sweepId: row.sweep_id,
      sweepName: row.sweep_name,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      archivedAt: row.archived_at,
      deletedAt: row.deleted_at,
      tags: tags.all(runId) as string[],
      note: row.note,
      starred: row.starred === 1,
      specHash: row.spec_hash,
      snapshotId: row.snapshot_id,
      appVersion: row.app_version,
      tensorflowVersion: row.tensorflow_version,
      spec: JSON.parse(row.spec_json) as TrainSpec,
      summary: row.summary_json ? (JSON.parse(row.summary_json) as RunSummary) : null,
      series: metricSeries(points, Date.parse(row.started_at ?? row.created_at)),
    };
  });
}

/**
 * Metric points as series with step, epoch and time as x. The `epoch` metric is recorded as epoch
 * n at the step where epoch n ends, so a step inside an epoch gets a fractional epoch between its
 * ends; every per-epoch metric lands on a whole number.
 */
export function metricSeries(
  points: readonly [key: string, step: number, value: number, time: string][],
  startMs: number,
): Record<string, MetricSeriesPoint[]> {
  const epochEnds = points.filter(([key]) => key === 'epoch').map(([, step, value]) => ({ step, epoch: value }));
  const epochAt = (step: number): number | null => {
    if (epochEnds.length === 0) return null;
    let previous = { step: 0, epoch: epochEnds[0]!.epoch - 1 };
    for (const end of epochEnds) {
      if (step <= end.step)
        return end.step === previous.step
          ? end.epoch
          : previous.epoch + ((step - previous.step) / (end.step - previous.step)) * (end.epoch - previous.epoch);
      previous = end;
    }
    return previous.epoch;
  };
  const series: Record<string, MetricSeriesPoint[]> = {};
  for (const [key, step, value, time] of points) {
    const seconds = Number.isFinite(startMs) ? (Date.parse(time) - startMs) / 1000 : NaN;
    const list = (series[key] ??= []);
    // A step recorded twice (a resumed run re-recording it) keeps the later value.
    if (list.at(-1)?.step === step) list.pop();
    list.push({ step, epoch: epochAt(step), seconds: Number.isFinite(seconds) ? seconds : null, value });
  }
  return series;
}
