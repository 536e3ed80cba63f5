/**
 * A run's lifecycle and annotations, and a change marker for the run table's in-memory index.
 *
 * Tags live in their own table rather than a JSON column: a tag is added to or removed from hundreds
 * of runs at once, the filter box autocompletes from every tag in the project with its count, and
 * both are plain indexed SQL on a table, where a column would need a JSON rewrite of every row.
 *
 * Archiving and deleting are timestamps, not flags: both are undone by clearing them, and a purge of
 * deleted runs is a separate, explicit step.
 *
 * `run_changes` holds, per run, the sequence number of its latest change. Triggers keep it, so a write
 * from any connection — the app, a training worker process, the CLI, a queue coordinator — moves it
 * without those writers knowing the index exists; the index asks for `MAX(seq)` (one index probe)
 * before every query and reloads only the runs with a newer sequence number. One row per run keeps
 * it small however many metric points a run records.
 */
/** One trigger per table and event, each moving its run to the newest sequence number. */
const watched: [table: string, runColumn: string, events: ('INSERT' | 'UPDATE' | 'DELETE')[]][] = [
  ['runs', 'id', ['INSERT', 'UPDATE', 'DELETE']],
  ['latest_metrics', 'run_id', ['INSERT', 'UPDATE', 'DELETE']],
  ['run_tags', 'run_id', ['INSERT', 'DELETE']],
];
const changeTriggers = watched
  .flatMap(([table, runColumn, events]) =>
    events.map(
      (event) => `CREATE TRIGGER ${table}_changed_${event.toLowerCase()} AFTER ${event} ON ${table} BEGIN
  INSERT INTO run_changes (run_id, seq) VALUES (${event === 'DELETE' ? 'OLD' : 'NEW'}.${runColumn}, (SELECT COALESCE(MAX(seq), 0) + 1 FROM run_changes))
  ON CONFLICT (run_id) DO UPDATE SET seq = excluded.seq;
END;`,
    ),
  )
  .join('\n');

export default /* sql */ `
ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1));
ALTER TABLE runs ADD COLUMN archived_at TEXT;
ALTER TABLE runs ADD COLUMN deleted_at TEXT;
CREATE INDEX runs_sweep ON runs(sweep_id);

CREATE TABLE run_tags (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;
CREATE INDEX run_tags_tag ON run_tags(tag);

CREATE TABLE run_changes (
  run_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX run_changes_seq ON run_changes(seq);

${changeTriggers}
`;
