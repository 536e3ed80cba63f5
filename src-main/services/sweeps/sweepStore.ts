import { randomBytes } from 'node:crypto';
import type { SweepSpec } from '../../../src-shared/model/SweepSpec.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';

import type { SweepStatus, SweepTrial, TrialStatus } from '../../../src-shared/model/Sweep.ts';

export type { SweepStatus, TrialStatus };

/** A trial as the queue holds it (its scores come from its run). */
export type TrialRow = Pick<SweepTrial, 'id' | 'config' | 'rung' | 'epochs' | 'overrides' | 'status' | 'runId' | 'attempts' | 'error'>;

export interface SweepRow {
  id: string;
  name: string;
  spec: SweepSpec;
  snapshotId: string;
  status: SweepStatus;
  createdAt: string;
  finishedAt: string | null;
  /** The Redis URL whose queue its trials go to; null on this machine's worker pool. */
  queueUrl: string | null;
}

export function createSweep(
  db: ProjectDatabase,
  spec: SweepSpec,
  snapshotId: string,
  appVersion: string,
  configs: { overrides: Record<string, unknown>; epochs: number }[],
  queueUrl: string | null = null,
): string {
  const now = new Date().toISOString();
  const id = `sweep-${now.replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  db.transaction(() => {
    db.prepare(`INSERT INTO sweeps (id, name, spec_json, snapshot_id, status, created_at, app_version, queue_url) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)`).run(
      id, spec.name?.trim() || `${spec.base.model.kind} sweep`, JSON.stringify(spec), snapshotId, now, appVersion, queueUrl,
    );
    configs.forEach((config, index) => addTrial(db, id, index, 0, config.epochs, config.overrides));
  })();
  return id;
}

export function addTrial(db: ProjectDatabase, sweepId: string, config: number, rung: number, epochs: number, overrides: Record<string, unknown>): void {
  const next = (db.prepare('SELECT COALESCE(MAX(id), -1) + 1 FROM trials WHERE sweep_id = ?').pluck().get(sweepId) as number) ?? 0;
  db.prepare(
    `INSERT INTO trials (sweep_id, id, config, rung, epochs, overrides_json, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)`,
  ).run(sweepId, next, config, rung, epochs, JSON.stringify(overrides), new Date().toISOString());
}

export function updateTrial(db: ProjectDatabase, sweepId: string, id: number, fields: { status?: TrialStatus; runId?: string; attempts?: number; error?: string | null }): void {
  db.prepare(
    `UPDATE trials SET status = COALESCE(?, status), run_id = COALESCE(?, run_id), attempts = COALESCE(?, attempts),
       error = CASE WHEN ? THEN ? ELSE error END, updated_at = ? WHERE sweep_id = ? AND id = ?`,
  ).run(fields.status ?? null, fields.runId ?? null, fields.attempts ?? null, fields.error !== undefined ? 1 : 0, fields.error ?? null, new Date().toISOString(), sweepId, id);
}

export function setSweepStatus(db: ProjectDatabase, sweepId: string, status: SweepStatus): void {
  db.prepare(`UPDATE sweeps SET status = ?, finished_at = CASE WHEN ? IN ('done', 'cancelled') THEN ? ELSE NULL END WHERE id = ?`).run(
    status, status, new Date().toISOString(), sweepId,
  );
}

export function listTrials(db: ProjectDatabase, sweepId: string): TrialRow[] {
  return (
    db.prepare('SELECT id, config, rung, epochs, overrides_json, status, run_id, attempts, error FROM trials WHERE sweep_id = ? ORDER BY id').all(sweepId) as {
      id: number; config: number; rung: number; epochs: number; overrides_json: string; status: TrialStatus; run_id: string | null; attempts: number; error: string | null;
    }[]
  ).map((row) => ({ id: row.id, config: row.config, rung: row.rung, epochs: row.epochs, overrides: JSON.parse(row.overrides_json) as Record<string, unknown>, status: row.status, runId: row.run_id, attempts: row.attempts, error: row.error }));
}

export function getSweep(db: ProjectDatabase, sweepId: string): SweepRow | null {
  const row = db.prepare('SELECT id, name, spec_json, snapshot_id, status, created_at, finished_at, queue_url FROM sweeps WHERE id = ?').get(sweepId) as
    | { id: string; name: string; spec_json: string; snapshot_id: string; status: SweepStatus; created_at: string; finished_at: string | null; queue_url: string | null }
    | undefined;
  if (!row) return null;
  return {
    id: row.id, name: row.name, spec: JSON.parse(row.spec_json) as SweepSpec, snapshotId: row.snapshot_id, status: row.status, createdAt: row.created_at,
    finishedAt: row.finished_at, queueUrl: row.queue_url,
  };
}

export function listSweeps(db: ProjectDatabase): SweepRow[] {
  return (db.prepare('SELECT id FROM sweeps ORDER BY created_at DESC').pluck().all() as string[]).map((id) => getSweep(db, id)!);
}

export function unfinishedSweeps(db: ProjectDatabase): string[] {
  return db.prepare(`SELECT id FROM sweeps WHERE status = 'running' ORDER BY created_at`).pluck().all() as string[];
}
