import { flattenSpec } from '../../../src-shared/compare/flattenSpec.ts';
import type { RunStatus } from '../../../src-shared/model/Run.ts';
import type { RunValue } from '../../../src-shared/model/RunQuery.ts';
import type { RunColumnKind, RunRow } from '../../../src-shared/model/RunTable.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';

/** A run as the index holds it: the table's row (copied before it leaves the index). */
export type IndexedRun = RunRow;

/** Where a key comes from; keys of one origin never change kind, so one map serves every run. */
export type KeyKinds = Map<string, RunColumnKind>;

/** Model statistics from a finished run's summary, read by SQLite (cheaper than parsing whole summaries): key, JSON path, divisor. */
const summaryStats: readonly [key: string, path: string, divisor: number][] = [
  ['stats.parameters', '$.model.params', 1],
  ['stats.macs', '$.model.macs', 1],
  ['stats.size_kb', '$.model.sizeBytes', 1024],
  ['stats.gzip_kb', '$.model.gzipBytes', 1024],
  ['stats.sparsity', '$.model.sparsity', 1],
  ['stats.latency_ms', '$.latencyMs', 1],
  ['stats.tflite_int8_kb', '$.deploy.rawBytes', 1024],
  ['stats.tflite_int8_zlib_kb', '$.deploy.zlibBytes', 1024],
  ['stats.tflite_int8_zip_kb', '$.deploy.zipBytes', 1024],
  ['stats.tflite_int8_accuracy', '$.deploy.accuracy', 1],
  ['stats.tflite_int8_agreement', '$.deploy.agreement', 1],
  ['stats.tflite_int8_arena_kb', '$.deploy.arenaBytes', 1024],
  ['stats.tflite_int8_latency_ms', '$.deploy.latencyMs', 1],
  ['stats.train_seconds', '$.trainSeconds', 1],
  ['stats.epochs_trained', '$.epochs', 1],
  // The kept model's (best epoch's weights), as sweeps and leaderboards score it, not the last epoch's.
  ['val_accuracy', '$.validationAccuracy', 1],
];

type RunRecord = [
  id: string,
  name: string,
  status: RunStatus,
  sweepId: string | null,
  createdAt: string,
  startedAt: string | null,
  finishedAt: string | null,
  note: string,
  starred: number,
  archivedAt: string | null,
  deletedAt: string | null,
  specJson: string,
  ...stats: (number | null)[],
];

const columns = [
  'id, name, status, sweep_id, created_at, started_at, finished_at, note, starred, archived_at, deleted_at, spec_json',
  ...summaryStats.map(([, path]) => `json_extract(summary_json, '${path}')`),
].join(', ');

/**
 * Reads runs (every run, or the given ones) as flat rows: bookkeeping, every spec parameter
 * flattened, every latest metric and the summary's model statistics. Raw rows and one pass per
 * table keep a 10,000-run build to a few hundred milliseconds.
 */
export function readRunRows(db: ProjectDatabase, kinds: KeyKinds, runIds?: readonly string[]): IndexedRun[] {
  const only = runIds ? 'WHERE id IN (SELECT value FROM json_each(?))' : '';
  const onlyRuns = runIds ? 'WHERE run_id IN (SELECT value FROM json_each(?))' : '';
  const args = runIds ? [JSON.stringify(runIds)] : [];
  const sweeps = new Map(db.prepare('SELECT id, name FROM sweeps').raw().all() as [string, string][]);
  const records = db
    .prepare(`SELECT ${columns} FROM runs ${only}`)
    .raw()
    .all(...args) as RunRecord[];
  const metrics = new Map<string, [string, number][]>();
  for (const [runId, key, value] of db
    .prepare(`SELECT run_id, key, value FROM latest_metrics ${onlyRuns}`)
    .raw()
    .all(...args) as [string, string, number][]) {
    let list = metrics.get(runId);
    if (!list) metrics.set(runId, (list = []));
    list.push([key, value]);
  }
  const tags = new Map<string, string[]>();
  for (const [runId, tag] of db
    .prepare(`SELECT run_id, tag FROM run_tags ${onlyRuns} ORDER BY tag COLLATE NOCASE`)
    .raw()
    .all(...args) as [string, string][]) {
    let list = tags.get(runId);
    if (!list) tags.set(runId, (list = []));
    list.push(tag);
  }

  return records.map(
    ([
      id,
      name,
      status,
      sweepId,
      createdAt,
      startedAt,
      finishedAt,
      note,
      starred,
      archivedAt,
      deletedAt,
      specJson,
      ...stats
    ]) => {
      const runTags = tags.get(id) ?? [];
      const sweepName = sweepId ? (sweeps.get(sweepId) ?? null) : null;
      const values: Record<string, RunValue> = {};
      const put = (key: string, value: RunValue, kind: RunColumnKind) => {
        if (key in values) return;
        values[key] = value;
        if (!kinds.has(key)) kinds.set(key, kind);
      };
      put('id', id, 'info');
      put('name', name, 'info');
      put('status', status, 'info');
      put('sweep', sweepName, 'info');
      put('created', createdAt, 'info');
      put('started', startedAt, 'info');
      put('finished', finishedAt, 'info');
      put('tags', runTags.length ? runTags.join(', ') : null, 'info');
      put('starred', starred === 1, 'info');
      put('note', note || null, 'info');
      // The spec's own name is the run's name, already under `name`.
      const spec = JSON.parse(specJson) as Record<string, unknown>;
      delete spec.name;
      for (const [key, value] of Object.entries(flattenSpec(spec))) put(key, value, 'param');
      summaryStats.forEach(([key, , divisor], i) => {
        const value = stats[i];
        if (typeof value === 'number') put(key, value / divisor, key.startsWith('stats.') ? 'stat' : 'metric');
      });
      // A metric named like a parameter keeps both: the metric moves under `metrics.`. One the summary
      // gave already (a finished run's val_accuracy) keeps the summary's; the last epoch's is in its curve.
      for (const [key, value] of metrics.get(id) ?? [])
        put(key in values && kinds.get(key) !== 'metric' ? `metrics.${key}` : key, value, 'metric');
      return {
        id,
        name,
        status,
        sweepId,
        sweepName,
        createdAt,
        tags: runTags,
        note,
        starred: starred === 1,
        archived: archivedAt !== null,
        deleted: deletedAt !== null,
        values,
      };
    },
  );
}
