/**
 * Speaker edits join the undo history: `clip_history.field` may now also be 'speaker'. SQLite
 * cannot change a CHECK constraint in place, so the table is rebuilt with the same rows and ids
 * (nothing references it).
 */
export default /* sql */ `
CREATE TABLE clip_history_m003 (
  id INTEGER PRIMARY KEY,
  batch_id TEXT NOT NULL REFERENCES history_batches(batch_id),
  clip_id INTEGER NOT NULL REFERENCES clips(id),
  field TEXT NOT NULL CHECK (field IN ('deleted_at', 'split_override', 'speaker')),
  old_value TEXT,
  new_value TEXT,
  at TEXT NOT NULL
);
INSERT INTO clip_history_m003 (id, batch_id, clip_id, field, old_value, new_value, at)
  SELECT id, batch_id, clip_id, field, old_value, new_value, at FROM clip_history;
DROP TABLE clip_history;
ALTER TABLE clip_history_m003 RENAME TO clip_history;
CREATE INDEX clip_history_batch ON clip_history(batch_id);
CREATE INDEX clip_history_clip ON clip_history(clip_id);
`;
