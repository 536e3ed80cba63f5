import { createHash, randomBytes } from 'node:crypto';
import type { RunDetail, RunInfo, RunStatus, RunSummary } from '../../../src-shared/model/Run.ts';
import type { ClipPrediction } from '../../../src-shared/model/ClipPrediction.ts';
import type { PredictionQuery } from '../../../src-shared/contract/RunService.ts';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { libraryClips } from './libraryClips.ts';
import { claimRun, thisProcess, type RunOwner } from './runOwners.ts';
import { uniqueRunName } from './uniqueRunName.ts';

export interface SnapshotClip {
  clipId: number;
  hash: string;
  ext: string;
  kind: 'sample' | 'noise';
  label: string | null;
  /** The label was marked an unknown (filler) word when the snapshot was taken. */
  unknown: boolean;
  speaker: string | null;
  split: 'train' | 'validation' | 'test' | null;
}

/**
 * Freezes the library's current clips, labels and splits (trash excluded) as a snapshot, named by a
 * hash of its content so an unchanged library reuses the same snapshot.
 */
export function createSnapshot(db: ProjectDatabase): string {
  const clips = libraryClips(db);
  const digest = createHash('sha256');
  for (const clip of clips) {
    // The unknown mark is added only where set, so libraries without one keep their snapshot ids.
    digest.update(`${clip.clipId}\t${clip.hash}\t${clip.kind}\t${clip.label ?? ''}\t${clip.speaker ?? ''}\t${clip.split ?? ''}${clip.unknown ? '\tunknown' : ''}\n`);
  }
  const id = `snap-${digest.digest('hex').slice(0, 16)}`;
  // IMMEDIATE, as it reads before it writes: training processes write the database every second.
  const store = db.transaction(() => {
    if (db.prepare('SELECT 1 FROM snapshots WHERE id = ?').get(id)) return;
    db.prepare('INSERT INTO snapshots (id, created_at, clip_count) VALUES (?, ?, ?)').run(id, new Date().toISOString(), clips.length);
    const insert = db.prepare(
      'INSERT INTO snapshot_clips (snapshot_id, clip_id, hash, ext, kind, label, unknown, speaker, split) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const clip of clips) insert.run(id, clip.clipId, clip.hash, clip.ext, clip.kind, clip.label, Number(clip.unknown), clip.speaker, clip.split);
  });
  store.immediate();
  return id;
}

export function snapshotClips(db: ProjectDatabase, snapshotId: string): SnapshotClip[] {
  return (
    db
      .prepare('SELECT clip_id AS clipId, hash, ext, kind, label, unknown, speaker, split FROM snapshot_clips WHERE snapshot_id = ? ORDER BY clip_id')
      .all(snapshotId) as RawSnapshotClip[]
  ).map(toSnapshotClip);
}

export type RawSnapshotClip = Omit<SnapshotClip, 'unknown'> & { unknown: number };
export const toSnapshotClip = (row: RawSnapshotClip): SnapshotClip => ({ ...row, unknown: row.unknown === 1 });

/** A stable id of a spec: SHA-256 of its JSON with keys sorted at every level. */
export function trainSpecHash(spec: TrainSpec): string {
  const sortKeys = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sortKeys)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, inner]) => [key, sortKeys(inner)]))
        : value;
  return createHash('sha256').update(JSON.stringify(sortKeys(spec))).digest('hex').slice(0, 16);
}

/**
 * A new queued run, owned by the process that creates it (`owner`, this process by default) until
 * a training worker takes it over: a run is never without a live owner while it waits, so no other
 * process takes it for abandoned.
 */
export function createRun(db: ProjectDatabase, spec: TrainSpec, snapshotId: string, appVersion: string, owner: RunOwner = thisProcess()): string {
  const now = new Date();
  const id = `run-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const name = uniqueRunName(db, spec.name?.trim() || `${spec.model.kind} ${spec.features.type}`);
  db.transaction(() => {
    db.prepare(
      `INSERT INTO runs (id, name, spec_json, spec_hash, snapshot_id, status, created_at, app_version)
       VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`,
    ).run(id, name, JSON.stringify(spec), trainSpecHash(spec), snapshotId, now.toISOString(), appVersion);
    claimRun(db, id, owner);
  })();
  return id;
}

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
    status, status, now, status, now, status, status,
    fields.error ?? null,
    fields.summary ? JSON.stringify(fields.summary) : null,
    fields.tensorflowVersion ?? null,
    fields.checkpointEpoch ?? null,
    runId,
  );
}

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
export function recordMetrics(db: ProjectDatabase, runId: string, points: readonly MetricPoint[], time = new Date().toISOString()): void {
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

export function addArtifact(db: ProjectDatabase, runId: string, kind: string, path: string, bytes: number, time = new Date().toISOString()): void {
  db.prepare(
    `INSERT INTO artifacts (run_id, kind, path, bytes, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, path) DO UPDATE SET kind = excluded.kind, bytes = excluded.bytes, created_at = excluded.created_at`,
  ).run(runId, kind, path, bytes, time);
}

export interface PredictionRow {
  clipId: number;
  split: string | null;
  label: string;
  predicted: string;
  confidence: number;
  probabilities: Float32Array;
}

export function savePredictions(db: ProjectDatabase, runId: string, rows: readonly PredictionRow[]): void {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO predictions (run_id, clip_id, split, label, predicted, confidence, probabilities) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const row of rows) {
      insert.run(runId, row.clipId, row.split, row.label, row.predicted, row.confidence, Buffer.from(row.probabilities.buffer, row.probabilities.byteOffset, row.probabilities.byteLength));
    }
  })();
}

interface RunRecord {
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

function toRunInfo(db: ProjectDatabase, record: RunRecord): RunInfo {
  const latest = Object.fromEntries(
    (db.prepare('SELECT key, value FROM latest_metrics WHERE run_id = ?').all(record.id) as { key: string; value: number }[]).map((row) => [row.key, row.value]),
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

/** The run's per-clip answers, most confident first, with each clip's current label beside the one it trained with. */
export function readPredictions(db: ProjectDatabase, { runId, actual, predicted, split, limit }: PredictionQuery): ClipPrediction[] {
  return db
    .prepare(
      `SELECT p.clip_id AS clipId, c.original_name AS originalName, p.split, p.label, l.name AS currentLabel, p.predicted, p.confidence
       FROM predictions p JOIN clips c ON c.id = p.clip_id LEFT JOIN labels l ON l.id = c.label_id
       WHERE p.run_id = ? AND (? IS NULL OR p.label = ?) AND (? IS NULL OR p.predicted = ?) AND (? IS NULL OR p.split = ?)
       ORDER BY p.confidence DESC LIMIT ?`,
    )
    .all(runId, actual ?? null, actual ?? null, predicted ?? null, predicted ?? null, split ?? null, split ?? null, limit ?? 1000) as ClipPrediction[];
}

export function listRuns(db: ProjectDatabase): RunInfo[] {
  // Soft-deleted runs stay out of every list but the run table's own "deleted" scope.
  return (db.prepare('SELECT * FROM runs WHERE deleted_at IS NULL ORDER BY created_at DESC').all() as RunRecord[]).map((record) => toRunInfo(db, record));
}

export function getRun(db: ProjectDatabase, runId: string): RunDetail | null {
  const record = db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRecord | undefined;
  if (!record) return null;
  const metrics: RunDetail['metrics'] = {};
  for (const row of db.prepare('SELECT key, step, value FROM metrics WHERE run_id = ? ORDER BY key, step').all(runId) as MetricPoint[]) {
    (metrics[row.key] ??= []).push({ step: row.step, value: row.value });
  }
  return { ...toRunInfo(db, record), metrics };
}
