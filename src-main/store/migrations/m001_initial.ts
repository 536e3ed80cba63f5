/** The catalog: the project, its clips and their labels with full history. */
export default /* sql */ `
CREATE TABLE project (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sample_rate INTEGER NOT NULL DEFAULT 16000,
  clip_duration_ms INTEGER NOT NULL DEFAULT 1000,
  created_by_version TEXT NOT NULL
);

CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_at TEXT NOT NULL
);

-- One row per distinct audio content; the file lives at audio/<hash[0:2]>/<hash>.<ext>.
CREATE TABLE clips (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL DEFAULT 'sample' CHECK (kind IN ('sample', 'noise')),
  ext TEXT NOT NULL,
  source_path TEXT NOT NULL,
  original_name TEXT NOT NULL,
  label_id INTEGER REFERENCES labels(id),
  speaker TEXT,
  take TEXT,
  split TEXT CHECK (split IN ('train', 'validation', 'test')),
  duration_ms REAL NOT NULL,
  sample_rate INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  bits_per_sample INTEGER NOT NULL,
  num_frames INTEGER NOT NULL,
  flags TEXT NOT NULL DEFAULT '[]',
  added_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX clips_label ON clips(label_id) WHERE deleted_at IS NULL;
CREATE INDEX clips_kind ON clips(kind, id);

-- Every label change, so none is ever lost and each can be undone.
CREATE TABLE label_history (
  id INTEGER PRIMARY KEY,
  clip_id INTEGER NOT NULL REFERENCES clips(id),
  old_label_id INTEGER REFERENCES labels(id),
  new_label_id INTEGER REFERENCES labels(id),
  batch_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX label_history_clip ON label_history(clip_id);
`;
