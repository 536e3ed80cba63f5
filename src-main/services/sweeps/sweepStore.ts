import { randomBytes } from 'node:crypto';
import type { SweepSpec } from '../../../src-shared/model/SweepSpec.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';

import type { SweepStatus, SweepTrial, TrialAttemptRecord, TrialStatus } from '../../../src-shared/model/Sweep.ts';

export type { SweepStatus, TrialStatus };
export type AttemptOutcome = NonNullable<TrialAttemptRecord['outcome']>;

/** A trial as the queue holds it (its scores come from its run). */
export type TrialRow = Pick<
  SweepTrial,
  'id' | 'config' | 'rung' | 'epochs' | 'overrides' | 'status' | 'runId' | 'attempts' | 'error'
>;

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
    db.prepare(
      `INSERT INTO sweeps (id, name, spec_json, snapshot_id, status, created_at, app_version, queue_url) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)`,
    ).run(
      id,
      spec.name?.trim() || `${spec.base.model.kind} sweep`,
      JSON.stringify(spec),
      snapshotId,
      now,
      appVersion,
      queueUrl,
    );
    configs.forEach((config, index) => addTrial(db, id, index, 0, config.epochs, config.overrides));
  })();
  return id;
}

export function addTrial(
  db: ProjectDatabase,
  sweepId: string,
  config: number,
  rung: number,
  epochs: number,
  overrides: Record<string, unknown>,
): void {
  const next =
    (db.prepare('SELECT COALESCE(MAX(id), -1) + 1 FROM trials WHERE sweep_id = ?').pluck().get(sweepId) as number) ?? 0;
  db.prepare(
    `INSERT INTO trials (sweep_id, id, config, rung, epochs, overrides_json, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)`,
  ).run(sweepId, next, config, rung, epochs, JSON.stringify(overrides), new Date().toISOString());
}

export function updateTrial(
  db: ProjectDatabase,
  sweepId: string,
  id: number,
  fields: { status?: TrialStatus; runId?: string; attempts?: number; error?: string | null },
): void {
  db.prepare(
    `UPDATE trials SET status = COALESCE(?, status), run_id = COALESCE(?, run_id), attempts = COALESCE(?, attempts),
       error = CASE WHEN ? THEN ? ELSE error END, updated_at = ? WHERE sweep_id = ? AND id = ?`,
  ).run(
    fields.status ?? null,
    fields.runId ?? null,
    fields.attempts ?? null,
    fields.error !== undefined ? 1 : 0,
    fields.error ?? null,
    new Date().toISOString(),
    sweepId,
    id,
  );
}

export function setSweepStatus(db: ProjectDatabase, sweepId: string, status: SweepStatus): void {
  db.prepare(
    `UPDATE sweeps SET status = ?, finished_at = CASE WHEN ? IN ('done', 'cancelled') THEN ? ELSE NULL END WHERE id = ?`,
  ).run(status, status, new Date().toISOString(), sweepId);
}

export function listTrials(db: ProjectDatabase, sweepId: string): TrialRow[] {
  return (
    db
      .prepare(
        'SELECT id, config, rung, epochs, overrides_json, status, run_id, attempts, error FROM trials WHERE sweep_id = ? ORDER BY id',
      )
      .all(sweepId) as {
      id: number;
      config: number;
      rung: number;
      epochs: number;
      overrides_json: string;
      status: TrialStatus;
      run_id: string | null;
      attempts: number;
      error: string | null;
    }[]
  ).map((row) => ({
    id: row.id,
    config: row.config,
    rung: row.rung,
    epochs: row.epochs,
    overrides: JSON.parse(row.overrides_json) as Record<string, unknown>,
    status: row.status,
    runId: row.run_id,
    attempts: row.attempts,
    error: row.error,
  }));
}

export function getSweep(db: ProjectDatabase, sweepId: string): SweepRow | null {
  const row = db
    .prepare(
      'SELECT id, name, spec_json, snapshot_id, status, created_at, finished_at, queue_url FROM sweeps WHERE id = ?',
    )
    .get(sweepId) as
    | {
        id: string;
        name: string;
        spec_json: string;
        snapshot_id: string;
        status: SweepStatus;
        created_at: string;
        finished_at: string | null;
        queue_url: string | null;
      }
    | undefined;
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    spec: JSON.parse(row.spec_json) as SweepSpec,
    snapshotId: row.snapshot_id,
    status: row.status,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    queueUrl: row.queue_url,
  };
}

export function listSweeps(db: ProjectDatabase): SweepRow[] {
  return (db.prepare('SELECT id FROM sweeps ORDER BY created_at DESC').pluck().all() as string[]).map((id) =>
    getSweep(db, id)!,
  );
}

export function unfinishedSweeps(db: ProjectDatabase): string[] {
  return db.prepare(`SELECT id FROM sweeps WHERE status = 'running' ORDER BY created_at`).pluck().all() as string[];
}

/**
 * Records that attempt `attempt` of a trial trains `runId`. Again for the same attempt (a queued job
 * waited for again after a restart) it is the same attempt, under way once more.
 */
export function startAttempt(
  db: ProjectDatabase,
  sweepId: string,
  trialId: number,
  attempt: number,
  runId: string,
): void {
  db.prepare(
    `INSERT INTO trial_attempts (sweep_id, trial_id, attempt, run_id, started_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (sweep_id, trial_id, attempt) DO UPDATE SET run_id = excluded.run_id, ended_at = NULL, outcome = NULL, error = NULL`,
  ).run(sweepId, trialId, attempt, runId, new Date().toISOString());
}

/** Ends the trial's attempts still under way (one at most) with `outcome`. */
export function endAttempt(
  db: ProjectDatabase,
  sweepId: string,
  trialId: number,
  outcome: AttemptOutcome,
  error: string | null = null,
): void {
  db.prepare(
    `UPDATE trial_attempts SET outcome = ?, error = ?, ended_at = ? WHERE sweep_id = ? AND trial_id = ? AND outcome IS NULL`,
  ).run(outcome, error, new Date().toISOString(), sweepId, trialId);
}

/** The number the trial's next attempt takes: after every attempt recorded or counted. */
export function nextAttempt(db: ProjectDatabase, sweepId: string, trial: Pick<TrialRow, 'id' | 'attempts'>): number {
  const recorded = db
    .prepare('SELECT COALESCE(MAX(attempt), 0) FROM trial_attempts WHERE sweep_id = ? AND trial_id = ?')
    .pluck()
    .get(sweepId, trial.id) as number;
  return Math.max(recorded, trial.attempts) + 1;
}

/** How many of the trial's attempts failed: interrupted and paused attempts are no failures and use up no retry. */
export function failedAttempts(db: ProjectDatabase, sweepId: string, trialId: number): number {
  return db
    .prepare(`SELECT COUNT(*) FROM trial_attempts WHERE sweep_id = ? AND trial_id = ? AND outcome = 'failed'`)
    .pluck()
    .get(sweepId, trialId) as number;
}

/** Every trial's attempts before its latest one, by trial, oldest first. */
export function earlierAttempts(db: ProjectDatabase, sweepId: string): Map<number, TrialAttemptRecord[]> {
  const rows = db
    .prepare(
      `SELECT trial_id, attempt, run_id, outcome, error, started_at, ended_at FROM trial_attempts a
       WHERE sweep_id = ? AND attempt < (SELECT MAX(attempt) FROM trial_attempts WHERE sweep_id = a.sweep_id AND trial_id = a.trial_id)
       ORDER BY trial_id, attempt`,
    )
    .all(sweepId) as {
    trial_id: number;
    attempt: number;
    run_id: string | null;
    outcome: TrialAttemptRecord['outcome'];
    error: string | null;
    started_at: string;
    ended_at: string | null;
  }[];
  const byTrial = new Map<number, TrialAttemptRecord[]>();
  for (const row of rows) {
    let list = byTrial.get(row.trial_id);
    if (!list) byTrial.set(row.trial_id, (list = []));
    list.push({
      attempt: row.attempt,
      runId: row.run_id,
      outcome: row.outcome,
      error: row.error,
      startedAt: row.started_at,
      endedAt: row.ended_at,
    });
  }
  return byTrial;
}

/** Unlinks a run from the trials that trained it, before the run is purged (its trial attempts lose the link by themselves: ON DELETE SET NULL). */
export function detachTrialsFromRun(db: ProjectDatabase, runId: string): void {
  db.prepare('UPDATE trials SET run_id = NULL WHERE run_id = ?').run(runId);
}
