import type Database from 'better-sqlite3';

/**
 * - `trial_attempts`: every attempt at a sweep trial — which run it trained, when, and how it ended.
 *   A trial retried after a crash, a pause or a failure keeps its earlier attempts as history (their
 *   runs stay, with their curves and errors) while the trial stays one trial with one current run
 *   (`trials.run_id`). Before this table the earlier runs were linked to the sweep only, and read as
 *   extra trials. Backfilled: a trial's current run is its latest attempt; the sweep's other runs
 *   named after the trial ("X #3", "X #3 2") are its earlier attempts, oldest first.
 * - `project.audio_checked_at`: when the audio store was last checked for files no clip names. Since
 *   copies wait in audio/.incoming until their rows commit, a crash can no longer leave such files;
 *   projects from before are checked once on their next open (NULL until then).
 */
const sql = /* sql */ `
CREATE TABLE trial_attempts (
  sweep_id TEXT NOT NULL,
  trial_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  run_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  -- NULL while the attempt is under way.
  outcome TEXT CHECK (outcome IN ('done', 'failed', 'cancelled', 'interrupted')),
  error TEXT,
  PRIMARY KEY (sweep_id, trial_id, attempt),
  FOREIGN KEY (sweep_id, trial_id) REFERENCES trials(sweep_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX trial_attempts_run ON trial_attempts(run_id);

ALTER TABLE project ADD COLUMN audio_checked_at TEXT;
`;

interface TrialRecord {
  sweep_id: string;
  id: number;
  config: number;
  rung: number;
  status: string;
  run_id: string | null;
  attempts: number;
  base_name: string | null;
}

interface RunRecord {
  id: string;
  name: string;
  status: string;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

/** How an attempt whose run is in `status` ended; a run left running has been interrupted. */
const endedAs = (status: string): string =>
  status === 'done' || status === 'failed' || status === 'cancelled' ? status : 'interrupted';

function backfill(db: Database.Database): void {
  const trials = db
    .prepare(
      `SELECT t.sweep_id, t.id, t.config, t.rung, t.status, t.run_id, t.attempts, json_extract(s.spec_json, '$.base.name') AS base_name
       FROM trials t JOIN sweeps s ON s.id = t.sweep_id ORDER BY t.sweep_id, t.id`,
    )
    .all() as TrialRecord[];
  const runOf = db.prepare('SELECT id, name, status, error, created_at, finished_at FROM runs WHERE id = ?');
  const unclaimed = db.prepare(
    `SELECT id, name, status, error, created_at, finished_at FROM runs r
     WHERE sweep_id = ? AND NOT EXISTS (SELECT 1 FROM trials t WHERE t.run_id = r.id) ORDER BY created_at, id`,
  );
  const insert = db.prepare(
    `INSERT INTO trial_attempts (sweep_id, trial_id, attempt, run_id, started_at, ended_at, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const spare = new Map<string, RunRecord[]>();
  for (const trial of trials) {
    if (!spare.has(trial.sweep_id)) spare.set(trial.sweep_id, unclaimed.all(trial.sweep_id) as RunRecord[]);
    // The name the scheduler gives the trial's run (see withOverrides), and "name 2", "name 3" for its retries.
    const name = `${trial.base_name ?? 'trial'} #${trial.config + 1}${trial.rung > 0 ? ` (rung ${trial.rung + 1})` : ''}`;
    const runs = spare.get(trial.sweep_id)!;
    const earlier = runs.filter(
      (run) => run.name === name || (run.name.startsWith(`${name} `) && /^\d+$/.test(run.name.slice(name.length + 1))),
    );
    spare.set(
      trial.sweep_id,
      runs.filter((run) => !earlier.includes(run)),
    );
    earlier.forEach((run, index) =>
      insert.run(
        trial.sweep_id,
        trial.id,
        index + 1,
        run.id,
        run.created_at,
        run.finished_at ?? run.created_at,
        endedAs(run.status),
        run.error,
      ),
    );
    const current = trial.run_id ? (runOf.get(trial.run_id) as RunRecord | undefined) : undefined;
    if (!current) continue;
    const open = trial.status === 'running';
    insert.run(
      trial.sweep_id,
      trial.id,
      Math.max(trial.attempts, earlier.length + 1),
      current.id,
      current.created_at,
      open ? null : (current.finished_at ?? current.created_at),
      open ? null : endedAs(current.status),
      open ? null : current.error,
    );
  }
}

export default { sql, after: backfill };
