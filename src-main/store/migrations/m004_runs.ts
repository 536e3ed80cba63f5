/**
 * Training runs, after MLflow's tracking store: the exact data a run saw (snapshots), the run with
 * its full spec, metrics as (key, step, value, time) rows plus a denormalized latest value per key
 * for cheap leaderboards, artifacts, and per-clip predictions for the curation loop.
 */
export default /* sql */ `
CREATE TABLE snapshots (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  clip_count INTEGER NOT NULL
);

-- The clips, labels and splits frozen when a run starts; later edits in the library do not move them.
CREATE TABLE snapshot_clips (
  snapshot_id TEXT NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
  clip_id INTEGER NOT NULL,
  hash TEXT NOT NULL,
  ext TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('sample', 'noise')),
  label TEXT,
  speaker TEXT,
  split TEXT CHECK (split IN ('train', 'validation', 'test')),
  PRIMARY KEY (snapshot_id, clip_id)
) WITHOUT ROWID;

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  snapshot_id TEXT NOT NULL REFERENCES snapshots(id),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  app_version TEXT NOT NULL,
  tensorflow_version TEXT,
  -- The finished run's summary (accuracy, model stats, latency, timings) as JSON.
  summary_json TEXT,
  -- Where training resumes: the last completed epoch with a checkpoint.
  checkpoint_epoch INTEGER
);
CREATE INDEX runs_created ON runs(created_at);

CREATE TABLE metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  step INTEGER NOT NULL,
  value REAL NOT NULL,
  time TEXT NOT NULL
);
CREATE INDEX metrics_run_key ON metrics(run_id, key, step);

CREATE TABLE latest_metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  step INTEGER NOT NULL,
  value REAL NOT NULL,
  time TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE TABLE artifacts (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, path)
) WITHOUT ROWID;

-- The trained model's answer for every clip of the snapshot (probabilities as float32 bytes).
CREATE TABLE predictions (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  clip_id INTEGER NOT NULL,
  split TEXT,
  label TEXT NOT NULL,
  predicted TEXT NOT NULL,
  confidence REAL NOT NULL,
  probabilities BLOB NOT NULL,
  PRIMARY KEY (run_id, clip_id)
) WITHOUT ROWID;
`;
