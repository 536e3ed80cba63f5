import type Database from 'better-sqlite3';
import { automaticHotkey } from '../../../src-shared/model/automaticHotkey.ts';
import { naturalSortKey } from '../../../src-shared/model/naturalSortKey.ts';

/**
 * What a newcomer's first hour needs from the store:
 *
 * - `labels.unknown`: a filler word the project trains as `_unknown_` unless a run asks for it by
 *   name; snapshots freeze the flag with each clip, so a run can be replayed exactly, and label
 *   events keep it, so marking a word is undoable like any other label change.
 * - Hotkeys stored with every label, handed out once (see `automaticHotkey`); labels without one get
 *   theirs now, in creation order, so keys no longer move when clip counts change.
 * - `clips.name_key`: a natural sort key of the file name (`_2` before `_10`).
 * - Run ownership: the process training a run, its host and a heartbeat, a cancel request any
 *   process may write, and the latest progress for viewers in other processes. A run whose owner
 *   is gone is `interrupted` (resumable): the status check gains that value, which SQLite can only
 *   do by rebuilding `runs` (with foreign keys off, as its documentation describes).
 */
const sql = /* sql */ `
ALTER TABLE labels ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0 CHECK (unknown IN (0, 1));
ALTER TABLE label_events ADD COLUMN old_unknown INTEGER;
ALTER TABLE label_events ADD COLUMN new_unknown INTEGER;
ALTER TABLE snapshot_clips ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0 CHECK (unknown IN (0, 1));

-- Not indexed: an index on it became the planner's choice for counts and text searches, whose rows it
-- visits in name order rather than in the table's, three times slower at 100,000 clips (library bench);
-- a name sort sorts like the label sort does.
ALTER TABLE clips ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

CREATE TABLE runs_m008 (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  snapshot_id TEXT NOT NULL REFERENCES snapshots(id),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  app_version TEXT NOT NULL,
  tensorflow_version TEXT,
  -- The finished run's summary (accuracy, model stats, latency, timings) as JSON.
  summary_json TEXT,
  -- Where training resumes: the last completed epoch with a checkpoint.
  checkpoint_epoch INTEGER,
  sweep_id TEXT REFERENCES sweeps(id),
  note TEXT NOT NULL DEFAULT '',
  starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
  archived_at TEXT,
  deleted_at TEXT
);
INSERT INTO runs_m008 (id, name, spec_json, spec_hash, snapshot_id, status, error, created_at, started_at, finished_at, app_version,
  tensorflow_version, summary_json, checkpoint_epoch, sweep_id, note, starred, archived_at, deleted_at)
SELECT id, name, spec_json, spec_hash, snapshot_id, status, error, created_at, started_at, finished_at, app_version,
  tensorflow_version, summary_json, checkpoint_epoch, sweep_id, note, starred, archived_at, deleted_at FROM runs;
DROP TABLE runs;
ALTER TABLE runs_m008 RENAME TO runs;
CREATE INDEX runs_created ON runs(created_at);
CREATE INDEX runs_sweep ON runs(sweep_id);
${['INSERT', 'UPDATE', 'DELETE']
  .map(
    (event) => `CREATE TRIGGER runs_changed_${event.toLowerCase()} AFTER ${event} ON runs BEGIN
  INSERT INTO run_changes (run_id, seq) VALUES (${event === 'DELETE' ? 'OLD' : 'NEW'}.id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM run_changes))
  ON CONFLICT (run_id) DO UPDATE SET seq = excluded.seq;
END;`,
  )
  .join('\n')}

-- One row while a process trains the run; its own table, so heartbeats do not touch runs (and its change triggers).
CREATE TABLE run_owners (
  run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  -- What the owner is, for messages: "kws-studio train (CLI)", "the studio", "sweep …".
  owner TEXT NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  cancel_requested_at TEXT,
  progress_json TEXT
) WITHOUT ROWID;
`;

function backfill(db: Database.Database): void {
  const labels = db.prepare('SELECT id, name, hotkey FROM labels ORDER BY id').all() as {
    id: number;
    name: string;
    hotkey: string | null;
  }[];
  const taken = new Set(labels.flatMap((label) => (label.hotkey ? [label.hotkey.toLowerCase()] : [])));
  const setHotkey = db.prepare('UPDATE labels SET hotkey = ? WHERE id = ?');
  for (const label of labels) {
    if (label.hotkey) continue;
    const key = automaticHotkey(label.name, taken);
    if (!key) continue;
    taken.add(key);
    setHotkey.run(key, label.id);
  }
  const setNameKey = db.prepare('UPDATE clips SET name_key = ? WHERE id = ?');
  for (const clip of db.prepare('SELECT id, original_name FROM clips').all() as {
    id: number;
    original_name: string;
  }[]) {
    setNameKey.run(naturalSortKey(clip.original_name), clip.id);
  }
}

export default { sql, after: backfill, rebuildsTables: true };
