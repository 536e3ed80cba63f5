/**
 * Curation: undoable change sets, label management, splits with overrides, quality flags,
 * fingerprints and filter indexes.
 *
 * Runs inside the migration transaction with foreign keys on. `defer_foreign_keys` (reset at commit)
 * lets `labels` be dropped and recreated with the same ids while `clips` still references it; the
 * commit still fails if any reference is left dangling.
 */
export default /* sql */ `
PRAGMA defer_foreign_keys = ON;

-- label_history loses its foreign keys to labels: a deleted label's row is removed (so every
-- existing query over labels stays correct without a deleted_at filter) but the history keeps its
-- id, and label_events keeps its name, hotkey and colour so undo can restore it exactly.
CREATE TABLE label_history_m002 (
  id INTEGER PRIMARY KEY,
  clip_id INTEGER NOT NULL REFERENCES clips(id),
  old_label_id INTEGER,
  new_label_id INTEGER,
  batch_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL
);
INSERT INTO label_history_m002 (id, clip_id, old_label_id, new_label_id, batch_id, actor, at)
  SELECT id, clip_id, old_label_id, new_label_id, batch_id, actor, at FROM label_history;
DROP TABLE label_history;
ALTER TABLE label_history_m002 RENAME TO label_history;
CREATE INDEX label_history_clip ON label_history(clip_id);
CREATE INDEX label_history_batch ON label_history(batch_id);

-- AUTOINCREMENT so a deleted label's id is never handed to a new label: undoing the delete puts
-- the label back under its old id, which the history rows still name.
CREATE TEMP TABLE labels_m001 AS SELECT id, name, created_at FROM labels;
DROP TABLE labels;
CREATE TABLE labels (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_at TEXT NOT NULL,
  -- One key that labels the selected clips in the library; unique so a key means one label.
  hotkey TEXT,
  color TEXT CHECK (color IS NULL OR color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')
);
INSERT INTO labels (id, name, created_at) SELECT id, name, created_at FROM temp.labels_m001;
DROP TABLE temp.labels_m001;
CREATE UNIQUE INDEX labels_hotkey ON labels(hotkey) WHERE hotkey IS NOT NULL;

-- One row per user action (or import). Undo reverts the newest active undoable batch, redo
-- re-applies the oldest undone one that is not abandoned; a new action abandons the redo stack.
-- Rows are never deleted, so every state the catalog has been in stays explainable.
CREATE TABLE history_batches (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  description TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  undoable INTEGER NOT NULL DEFAULT 1 CHECK (undoable IN (0, 1)),
  undone_at TEXT,
  abandoned_at TEXT
);
CREATE INDEX history_batches_undo ON history_batches(seq)
  WHERE undoable = 1 AND undone_at IS NULL AND abandoned_at IS NULL;
CREATE INDEX history_batches_redo ON history_batches(seq)
  WHERE undone_at IS NOT NULL AND abandoned_at IS NULL;

-- Imports so far become history entries (not undoable: an import is undone by trashing).
INSERT INTO history_batches (batch_id, kind, description, actor, at, undoable)
  SELECT batch_id, 'import', 'Import (' || COUNT(*) || ' labeled clips)', MIN(actor), MIN(at), 0
  FROM label_history GROUP BY batch_id ORDER BY MIN(id);

-- Changes to labels themselves. old_* is the state before, new_* after; a create has no before
-- (old_name NULL), a delete no after (new_name NULL). created_at is the label's own, so a
-- restored label is identical to the one deleted.
CREATE TABLE label_events (
  id INTEGER PRIMARY KEY,
  batch_id TEXT NOT NULL REFERENCES history_batches(batch_id),
  label_id INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('create', 'rename', 'delete', 'restyle')),
  old_name TEXT,
  new_name TEXT,
  old_hotkey TEXT,
  new_hotkey TEXT,
  old_color TEXT,
  new_color TEXT,
  created_at TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX label_events_batch ON label_events(batch_id);
CREATE INDEX label_events_label ON label_events(label_id);

-- Changes to clip columns other than the label: the trash (deleted_at) and split overrides.
CREATE TABLE clip_history (
  id INTEGER PRIMARY KEY,
  batch_id TEXT NOT NULL REFERENCES history_batches(batch_id),
  clip_id INTEGER NOT NULL REFERENCES clips(id),
  field TEXT NOT NULL CHECK (field IN ('deleted_at', 'split_override')),
  old_value TEXT,
  new_value TEXT,
  at TEXT NOT NULL
);
CREATE INDEX clip_history_batch ON clip_history(batch_id);
CREATE INDEX clip_history_clip ON clip_history(clip_id);

-- split is the effective split (override, else the hash); split_override is the user's pin.
ALTER TABLE clips ADD COLUMN split_override TEXT CHECK (split_override IN ('train', 'validation', 'test'));
-- Sub-fingerprints for near-duplicate search (see services/library/audioFingerprint.ts).
ALTER TABLE clips ADD COLUMN fingerprint BLOB;
-- When quality flags and the fingerprint were last computed; NULL means never.
ALTER TABLE clips ADD COLUMN analyzed_at TEXT;

-- The percentages the current splits were computed with; NULL until splits are first assigned.
ALTER TABLE project ADD COLUMN split_validation_percent REAL;
ALTER TABLE project ADD COLUMN split_test_percent REAL;

-- Quality flags, normalised: "clips with flag X" is a range scan of the primary key, proportional
-- to the matches, where JSON text would need json_each over every clip. value is the measurement
-- behind the flag (clipped fraction, dBFS, mean, ms).
CREATE TABLE clip_flags (
  flag TEXT NOT NULL,
  clip_id INTEGER NOT NULL REFERENCES clips(id),
  value REAL,
  PRIMARY KEY (flag, clip_id)
) WITHOUT ROWID;
CREATE INDEX clip_flags_clip ON clip_flags(clip_id);
INSERT OR IGNORE INTO clip_flags (flag, clip_id)
  SELECT j.value, c.id
  FROM clips c, json_each(CASE WHEN json_valid(c.flags) AND json_type(c.flags) = 'array' THEN c.flags ELSE '[]' END) j
  WHERE j.type = 'text';

-- clips.flags stays as a sorted JSON copy for display in list rows without a join; triggers keep
-- it equal to clip_flags, which is the one that is written and filtered on.
CREATE TRIGGER clip_flags_after_insert AFTER INSERT ON clip_flags BEGIN
  UPDATE clips SET flags = (SELECT json_group_array(flag) FROM (SELECT flag FROM clip_flags WHERE clip_id = NEW.clip_id ORDER BY flag))
  WHERE id = NEW.clip_id;
END;
CREATE TRIGGER clip_flags_after_delete AFTER DELETE ON clip_flags BEGIN
  UPDATE clips SET flags = (SELECT json_group_array(flag) FROM (SELECT flag FROM clip_flags WHERE clip_id = OLD.clip_id ORDER BY flag))
  WHERE id = OLD.clip_id;
END;
CREATE TRIGGER clip_flags_after_update AFTER UPDATE OF flag, clip_id ON clip_flags BEGIN
  UPDATE clips SET flags = (SELECT json_group_array(flag) FROM (SELECT flag FROM clip_flags WHERE clip_id = OLD.clip_id ORDER BY flag))
  WHERE id = OLD.clip_id;
  UPDATE clips SET flags = (SELECT json_group_array(flag) FROM (SELECT flag FROM clip_flags WHERE clip_id = NEW.clip_id ORDER BY flag))
  WHERE id = NEW.clip_id;
END;

-- The library's filters and sorts. Partial on deleted_at IS NULL like the library query itself,
-- and led by kind because every library query fixes it (samples or background noise).
CREATE INDEX clips_split ON clips(kind, split) WHERE deleted_at IS NULL;
CREATE INDEX clips_speaker ON clips(kind, speaker) WHERE deleted_at IS NULL;
CREATE INDEX clips_duration ON clips(kind, duration_ms) WHERE deleted_at IS NULL;
CREATE INDEX clips_added ON clips(kind, added_at) WHERE deleted_at IS NULL;
CREATE INDEX clips_trash ON clips(deleted_at) WHERE deleted_at IS NOT NULL;
`;
