/**
 * Sweeps and their trials: the queue a sweep works through is these rows, so a sweep survives the
 * studio being killed. A trial is one configuration at one rung (successive halving trains the
 * survivors again with more epochs as new trials); its run holds everything it learned.
 */
export default /* sql */ `
CREATE TABLE sweeps (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  snapshot_id TEXT NOT NULL REFERENCES snapshots(id),
  status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'done', 'cancelled')),
  created_at TEXT NOT NULL,
  finished_at TEXT,
  app_version TEXT NOT NULL
);

CREATE TABLE trials (
  sweep_id TEXT NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  id INTEGER NOT NULL,
  config INTEGER NOT NULL,
  rung INTEGER NOT NULL DEFAULT 0,
  epochs INTEGER NOT NULL,
  overrides_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  run_id TEXT REFERENCES runs(id),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (sweep_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX trials_config_rung ON trials(sweep_id, config, rung);

ALTER TABLE runs ADD COLUMN sweep_id TEXT REFERENCES sweeps(id);
`;
