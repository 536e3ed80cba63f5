import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parseRunFilter } from '../src-shared/compare/parseRunFilter.ts';
import type { RunQuery } from '../src-shared/model/RunQuery.ts';
import { createServices } from '../src-main/services/createServices.ts';
import { createProject } from '../src-main/services/project/createProject.ts';
import { RunIndex } from '../src-main/services/runs/RunIndex.ts';
import { createSnapshot } from '../src-main/services/runs/store/createSnapshot.ts';
import { insertSyntheticRun, syntheticRuns } from '../test/support/syntheticRuns.ts';
import { recordBenchmark } from './recordBenchmark.ts';

const RUNS = 10_000;
const PAGE = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median of `runs` timings; `action` gets the iteration so each can ask a different question (no cache hits). */
async function time(runs: number, action: (iteration: number) => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await action(i);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

const conditions = (threshold: number) => {
  const { conditions: parsed, problems } = parseRunFilter(
    `val_accuracy > ${threshold} and model.kind = ds_cnn and stats.gzip_kb < 500`,
  );
  if (problems.length) throw new Error(problems.join('; '));
  return parsed;
};
const sortKeys = ['test_accuracy', 'val_accuracy', 'stats.gzip_kb', 'stats.latency_ms', 'train_loss'];

/**
 * The peer: MLflow's tracking store layout (SqlAlchemyStore) on the same runs — params as text in
 * an entity-attribute-value table, latest metrics (model statistics logged as metrics, as an MLflow
 * user would) in another, keyed (key, run_uuid) with per-run indexes as MLflow's migrations make
 * them — queried the way its search_runs builds SQL: one joined subquery per filter key, an outer
 * join on the sort key with nulls last, then each page run's params, metrics and tags loaded.
 */
function createEavPeer(file: string, index: RunIndex, ids: readonly string[]): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE runs (run_uuid TEXT PRIMARY KEY, name TEXT, status TEXT, start_time INTEGER, lifecycle_stage TEXT, experiment_id INTEGER);
    CREATE TABLE params (key TEXT NOT NULL, value TEXT NOT NULL, run_uuid TEXT NOT NULL, PRIMARY KEY (key, run_uuid));
    CREATE INDEX index_params_run_uuid ON params (run_uuid);
    CREATE TABLE latest_metrics (key TEXT NOT NULL, value REAL NOT NULL, timestamp INTEGER, step INTEGER, is_nan INTEGER, run_uuid TEXT NOT NULL, PRIMARY KEY (key, run_uuid));
    CREATE INDEX index_latest_metrics_run_uuid ON latest_metrics (run_uuid);
    CREATE TABLE tags (key TEXT NOT NULL, value TEXT, run_uuid TEXT NOT NULL, PRIMARY KEY (key, run_uuid));
    CREATE INDEX index_tags_run_uuid ON tags (run_uuid);
    CREATE INDEX index_runs_experiment ON runs (experiment_id, lifecycle_stage);
  `);
  const insertRun = db.prepare('INSERT INTO runs VALUES (?, ?, ?, ?, ?, 0)');
  const insertParam = db.prepare('INSERT INTO params VALUES (?, ?, ?)');
  const insertMetric = db.prepare('INSERT INTO latest_metrics VALUES (?, ?, 0, 0, 0, ?)');
  const insertTag = db.prepare('INSERT INTO tags VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const id of ids) {
      const run = index.get(id)!;
      insertRun.run(run.id, run.name, run.status, Date.parse(run.createdAt), 'active');
      insertTag.run('mlflow.runName', run.name, run.id);
      for (const [key, value] of Object.entries(run.values)) {
        const kind = index.kindOf(key);
        if (value === null) continue;
        if (kind === 'param') insertParam.run(key, String(value), run.id);
        else if ((kind === 'metric' || kind === 'stat') && typeof value === 'number')
          insertMetric.run(key, value, run.id);
      }
    }
  })();
  db.exec('ANALYZE');
  return db;
}

function eavSearch(
  db: Database.Database,
  filters: { table: 'params' | 'latest_metrics'; key: string; op: string; value: string | number }[],
  sort: { key: string; direction: 'ASC' | 'DESC' },
) {
  const joins = filters.map(
    (filter, i) =>
      `JOIN (SELECT run_uuid FROM ${filter.table} WHERE key = ? AND value ${filter.op} ?) f${i} ON f${i}.run_uuid = runs.run_uuid`,
  );
  const rows = db
    .prepare(
      `SELECT runs.* FROM runs ${joins.join(' ')}
       LEFT OUTER JOIN (SELECT run_uuid, value FROM latest_metrics WHERE key = ?) s ON s.run_uuid = runs.run_uuid
       WHERE runs.experiment_id IN (0) AND runs.lifecycle_stage IN ('active')
       ORDER BY (CASE WHEN s.value IS NULL THEN 1 ELSE 0 END), s.value ${sort.direction}, runs.run_uuid
       LIMIT ${PAGE}`,
    )
    .all(...filters.flatMap((filter) => [filter.key, filter.value]), sort.key) as { run_uuid: string }[];
  const ids = JSON.stringify(rows.map((row) => row.run_uuid));
  // search_runs returns whole runs: their params, metrics and tags, loaded per page.
  const params = db.prepare('SELECT * FROM params WHERE run_uuid IN (SELECT value FROM json_each(?))').all(ids);
  const metrics = db
    .prepare('SELECT * FROM latest_metrics WHERE run_uuid IN (SELECT value FROM json_each(?))')
    .all(ids);
  const tags = db.prepare('SELECT * FROM tags WHERE run_uuid IN (SELECT value FROM json_each(?))').all(ids);
  return { rows, params, metrics, tags };
}

/**
 * `npm run bench -- run-table`: 10,000 runs with realistic specs and per-epoch metric rows in a
 * temporary project; the run table's index build, a filtered + sorted page and a free sort on a
 * metric, against the same questions asked of MLflow's entity-attribute-value layout in SQLite.
 */
export async function runRunTableBench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kws-bench-runs-'));
  try {
    const projectDir = path.join(dir, 'project');
    const project = createProject(projectDir, 'bench: 10k runs');
    const runs = syntheticRuns(RUNS, { seed: 7 });
    let started = performance.now();
    const snapshot = createSnapshot(project.db);
    project.db.transaction(() => runs.forEach((run) => insertSyntheticRun(project.db, snapshot, run)))();
    const insertSeconds = (performance.now() - started) / 1000;
    const metricRows = project.db.prepare('SELECT COUNT(*) FROM metrics').pluck().get() as number;
    project.db.close();

    const studio = createServices({ home: path.join(dir, 'home') });
    await studio.services.project.open({ path: projectDir });
    const db = studio.session.require().db;
    const { runs: service } = studio.services;

    // (a) Building the index from SQLite, as on the first query after a project opens.
    const build = await time(5, () => new RunIndex(db).refresh());
    const index = new RunIndex(db);
    index.refresh();
    const keys = index.columns().length;

    // (b) A filtered + sorted page; each iteration a different threshold, so no cached order helps.
    const query = (i: number): RunQuery => ({
      conditions: conditions(0.9 + i * 1e-6),
      sort: [{ key: 'stats.latency_ms', direction: 'asc' }],
      scope: 'active',
      offset: 0,
      limit: PAGE,
    });
    await service.queryRuns(query(0));
    const filtered = await time(21, (i) => service.queryRuns(query(i + 1)));
    const nextPage = await time(21, (i) => service.queryRuns({ ...query(1), offset: PAGE * (1 + (i % 5)) }));
    // (c) A free sort on a metric, a different key or direction each time.
    const freeSort = await time(21, (i) =>
      service.queryRuns({
        conditions: [],
        sort: [{ key: sortKeys[i % sortKeys.length]!, direction: i % 2 ? 'asc' : 'desc' }],
        scope: 'active',
        offset: 0,
        limit: PAGE,
      }),
    );
    const change = await time(11, (i) =>
      service.setStarred({ runIds: [runs[i]!.id], starred: true }).then(() => service.queryRuns(query(100 + i))),
    );

    started = performance.now();
    const peer = createEavPeer(
      path.join(dir, 'mlflow-eav.sqlite'),
      index,
      runs.map((run) => run.id),
    );
    const peerLoadSeconds = (performance.now() - started) / 1000;
    const peerFilters = (i: number) => [
      { table: 'latest_metrics' as const, key: 'val_accuracy', op: '>', value: 0.9 + i * 1e-6 },
      { table: 'params' as const, key: 'model.kind', op: '=', value: 'ds_cnn' },
      { table: 'latest_metrics' as const, key: 'stats.gzip_kb', op: '<', value: 500 },
    ];
    // Both sides answer the same page.
    const ours = (await service.queryRuns(query(0))).rows.map((row) => row.id);
    const theirs = eavSearch(peer, peerFilters(0), { key: 'stats.latency_ms', direction: 'ASC' }).rows.map(
      (row) => row.run_uuid,
    );
    if (JSON.stringify(ours) !== JSON.stringify(theirs))
      throw new Error(
        `the peer answers a different page:\n${ours.slice(0, 5).join(' ')}\n${theirs.slice(0, 5).join(' ')}`,
      );
    const peerFiltered = await time(21, (i) =>
      eavSearch(peer, peerFilters(i + 1), { key: 'stats.latency_ms', direction: 'ASC' }),
    );
    const peerSort = await time(21, (i) =>
      eavSearch(peer, [], { key: sortKeys[i % sortKeys.length]!, direction: i % 2 ? 'ASC' : 'DESC' }),
    );
    peer.close();
    studio.dispose();

    const lines = [
      `runs: ${RUNS.toLocaleString('en-US')} (${metricRows.toLocaleString('en-US')} metric rows, ${keys} keys per run table row), written in ${insertSeconds.toFixed(1)} s`,
      `index build from SQLite (once per opened project): ${build.toFixed(0)} ms`,
      `filtered + sorted page (3 conditions, sort on stats.latency_ms, ${PAGE} rows + total + groups): ${filtered.toFixed(2)} ms`,
      `next pages of the same query: ${nextPage.toFixed(2)} ms`,
      `free sort on a metric (no filter, ${PAGE} rows): ${freeSort.toFixed(2)} ms`,
      `star a run, then a new filtered page (incremental refresh): ${change.toFixed(2)} ms`,
      `peer, MLflow EAV layout in SQLite: loaded in ${peerLoadSeconds.toFixed(1)} s`,
      `peer, filtered + sorted page (join per filter key, page runs loaded): ${peerFiltered.toFixed(2)} ms`,
      `peer, free sort on a metric: ${peerSort.toFixed(2)} ms`,
      `run_table_sort_vs_eav_sql=${(peerSort / freeSort).toFixed(1)}`,
      `run_table_vs_eav_sql=${(peerFiltered / filtered).toFixed(1)}`,
    ];
    for (const line of lines) console.log(line);
    recordBenchmark(
      'run-table',
      'npm run bench -- run-table',
      `The run table on ${RUNS.toLocaleString('en-US')} runs (medians): an in-memory index of flat rows against MLflow's entity-attribute-value SQL layout queried as its search_runs does. Ratios above 1 mean the studio is faster.\n\n| measure | result |\n| --- | --- |\n${lines
        .map((line) => {
          const at = line.includes(': ') ? line.lastIndexOf(': ') : line.lastIndexOf('=');
          return `| ${line.slice(0, at)} | ${line.slice(at + 1).trim()} |`;
        })
        .join('\n')}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
