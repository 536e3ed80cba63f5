import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunFilter } from '../../src-shared/compare/parseRunFilter.ts';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { RunQuery } from '../../src-shared/model/RunQuery.ts';
import type { RunsChangedEvent } from '../../src-shared/model/RunTable.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import { createServices, type StudioServices } from '../../src-main/services/createServices.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { recordMetrics } from '../../src-main/services/runs/store/recordMetrics.ts';
import { createSweep } from '../../src-main/services/sweeps/sweepStore.ts';
import { migrations } from '../../src-main/store/migrations/index.ts';
import { openProjectDatabase, type ProjectDatabase } from '../../src-main/store/openProjectDatabase.ts';
import { insertSyntheticRun, syntheticRuns, type SyntheticRun } from '../support/syntheticRuns.ts';
import { smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-run-table-');

/** A query with the defaults a table starts from. */
const query = (fields: Partial<RunQuery> = {}): RunQuery => ({
  conditions: [],
  sort: [],
  scope: 'active',
  offset: 0,
  limit: 100,
  ...fields,
});
const filter = (text: string) => {
  const parsed = parseRunFilter(text);
  expect(parsed.problems).toEqual([]);
  return parsed.conditions;
};

async function openStudio(
  name: string,
): Promise<{ studio: StudioServices; client: ServiceTable; db: ProjectDatabase; projectDir: string }> {
  const studio = createServices({ home: path.join(dir, 'home') });
  const dispatcher = createDispatcher(studio.services);
  const client = createClient({
    invoke: (channel, input) => dispatcher.call(channel, input),
    subscribe: dispatcher.subscribe,
  });
  const projectDir = path.join(dir, name);
  await client.project.create({ path: projectDir });
  return { studio, client, db: studio.session.require().db, projectDir };
}

describe('the run table', () => {
  let studio: StudioServices;
  let client: ServiceTable;
  let db: ProjectDatabase;
  let projectDir: string;
  let runs: SyntheticRun[];
  let sweepId: string;

  beforeAll(async () => {
    ({ studio, client, db, projectDir } = await openStudio('table'));
    const snapshot = createSnapshot(db);
    sweepId = createSweep(
      db,
      {
        name: 'filters sweep',
        base: smallSpec(4),
        axes: [],
        strategy: { kind: 'grid' },
        constraints: { maxGzipKb: null, maxLatencyMs: null, minValAccuracy: null },
        objectives: ['val_accuracy'],
      },
      snapshot,
      'test',
      [],
    );
    runs = syntheticRuns(40, { seed: 3, sweepIds: [sweepId], epochs: [2, 4] });
    // One run with no metrics at all: missing values sort last both ways.
    runs[0] = { ...runs[0]!, status: 'queued' };
    for (const run of runs) insertSyntheticRun(db, snapshot, run);
  });
  afterAll(() => studio.dispose());

  it('lists every parameter, metric, statistic and bookkeeping key with its kind and type', async () => {
    const columns = await client.runs.columns();
    const byKey = new Map(columns.map((column) => [column.key, column]));
    expect(byKey.get('model.kind')).toMatchObject({ kind: 'param', type: 'text', count: 40, varies: true });
    expect(byKey.get('model.kind')!.values).toEqual(expect.arrayContaining(['ds_cnn', 'tiny_conv']));
    expect(byKey.get('features.mfccCount')).toMatchObject({ kind: 'param', type: 'number' });
    expect(byKey.get('model.blocks')).toMatchObject({ kind: 'param', type: 'text' });
    expect(byKey.get('val_accuracy')).toMatchObject({ kind: 'metric', type: 'number', count: 39 });
    expect(byKey.get('stats.gzip_kb')).toMatchObject({ kind: 'stat', type: 'number' });
    expect(byKey.get('stats.parameters')).toMatchObject({ kind: 'stat', type: 'number' });
    expect(byKey.get('starred')).toMatchObject({ kind: 'info', type: 'bool', count: 40, varies: false });
    for (const key of [
      'id',
      'name',
      'status',
      'sweep',
      'created',
      'stats.macs',
      'stats.size_kb',
      'stats.sparsity',
      'stats.latency_ms',
      'test_accuracy',
      'latency_ms',
    ]) {
      expect(byKey.has(key), key).toBe(true);
    }
    // The spec's name is the run's name: one `name` column, bookkeeping.
    expect(columns.filter((column) => column.key === 'name')).toHaveLength(1);
    expect(columns[0]!.kind).toBe('info');
  });

  it('filters with typed conditions and sorts on several keys, missing values last both ways', async () => {
    const expected = runs
      .filter((run) => run.status === 'done' && run.valAccuracy > 0.75 && run.spec.model.kind !== 'conv')
      .sort((a, b) => a.spec.batchSize - b.spec.batchSize || b.valAccuracy - a.valAccuracy || (a.id < b.id ? -1 : 1));
    const page = await client.runs.queryRuns(
      query({
        conditions: filter('val_accuracy > 0.75 and model.kind != conv and status = done'),
        sort: [
          { key: 'batchSize', direction: 'asc' },
          { key: 'val_accuracy', direction: 'desc' },
        ],
        limit: 5,
      }),
    );
    expect(page.total).toBe(expected.length);
    expect(page.rows.map((row) => row.id)).toEqual(expected.slice(0, 5).map((run) => run.id));
    expect(page.rows[0]!.values).toMatchObject({
      'model.kind': expected[0]!.spec.model.kind,
      batchSize: expected[0]!.spec.batchSize,
      'stats.gzip_kb': expected[0]!.gzipBytes / 1024,
    });
    expect(page.unknownKeys).toEqual([]);

    for (const direction of ['asc', 'desc'] as const) {
      const sorted = await client.runs.queryRuns(query({ sort: [{ key: 'test_accuracy', direction }] }));
      const values = sorted.rows.map((row) => row.values.test_accuracy ?? null);
      const firstMissing = values.indexOf(null);
      expect(firstMissing, direction).toBe(runs.filter((run) => run.status === 'done').length);
      expect(values.slice(firstMissing).every((value) => value === null)).toBe(true);
      expect(sorted.rows.slice(firstMissing).map((row) => row.id)).toContain(runs[0]!.id);
      const present = values.slice(0, firstMissing);
      expect(present).toEqual(
        [...present].sort((a, b) => (direction === 'asc' ? Number(a) - Number(b) : Number(b) - Number(a))),
      );
    }
    const unknown = await client.runs.queryRuns(query({ conditions: filter('val_acc > 0.5') }));
    expect(unknown).toMatchObject({ total: 0, unknownKeys: ['val_acc'] });
    // Paging walks the same order.
    const all = await client.runs.queryRuns(
      query({ sort: [{ key: 'stats.latency_ms', direction: 'asc' }], limit: 40 }),
    );
    const second = await client.runs.queryRuns(
      query({ sort: [{ key: 'stats.latency_ms', direction: 'asc' }], offset: 10, limit: 10 }),
    );
    expect(second.rows.map((row) => row.id)).toEqual(all.rows.slice(10, 20).map((row) => row.id));
  });

  it('groups by sweep with counts, and narrows to one sweep or to runs outside any', async () => {
    const inSweep = runs.filter((run) => run.sweepId === sweepId).length;
    expect(inSweep).toBeGreaterThan(0);
    const page = await client.runs.queryRuns(query({ sort: [{ key: 'sweep', direction: 'asc' }] }));
    expect(page.groups).toEqual([
      { sweepId, sweepName: 'filters sweep', count: inSweep },
      { sweepId: null, sweepName: null, count: 40 - inSweep },
    ]);
    expect(page.rows[0]).toMatchObject({ sweepId, sweepName: 'filters sweep', values: { sweep: 'filters sweep' } });
    expect((await client.runs.queryRuns(query({ sweepId }))).total).toBe(inSweep);
    expect((await client.runs.queryRuns(query({ sweepId: null }))).total).toBe(40 - inSweep);
    // "Any sweep" right after "no sweep", same order: not the same question.
    expect((await client.runs.queryRuns(query())).total).toBe(40);
    expect((await client.runs.queryRuns(query({ conditions: filter('sweep = "filters sweep"') }))).total).toBe(inSweep);
  });

  it('tags, notes and stars many runs at once, and filters by them', async () => {
    const [a, b, c] = runs.slice(1, 4).map((run) => run.id) as [string, string, string];
    expect(await client.runs.addTags({ runIds: [a, b], tags: ['baseline', 'Edge'] })).toEqual({ changed: 2 });
    expect(await client.runs.addTags({ runIds: [a, b, c], tags: ['edge'] })).toEqual({ changed: 1 });
    expect(await client.runs.removeTags({ runIds: [b], tags: ['BASELINE'] })).toEqual({ changed: 1 });
    expect(await client.runs.setTags({ runIds: [c], tags: ['pruned', ' edge ', 'pruned'] })).toEqual({ changed: 1 });
    const tagged = await client.runs.queryRuns(
      query({ conditions: filter('tags = edge'), sort: [{ key: 'id', direction: 'asc' }] }),
    );
    expect(tagged.rows.map((row) => [row.id, row.tags])).toEqual([
      [a, ['baseline', 'Edge']],
      [b, ['Edge']],
      [c, ['edge', 'pruned']],
    ]);
    expect(
      (await client.runs.queryRuns(query({ conditions: filter('tags = baseline') }))).rows.map((row) => row.id),
    ).toEqual([a]);
    expect(await client.runs.tags()).toEqual([
      { tag: 'Edge', count: 3 },
      { tag: 'baseline', count: 1 },
      { tag: 'pruned', count: 1 },
    ]);
    await expect(client.runs.addTags({ runIds: [a], tags: ['a,b'] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/comma/),
    });

    expect(await client.runs.setNote({ runIds: [a], note: 'first with SpecAugment' })).toEqual({ changed: 1 });
    expect(
      (await client.runs.queryRuns(query({ conditions: filter('note ~ specaugment') }))).rows.map((row) => [
        row.id,
        row.note,
      ]),
    ).toEqual([[a, 'first with SpecAugment']]);

    expect(await client.runs.setStarred({ runIds: [b, c], starred: true })).toEqual({ changed: 2 });
    expect(await client.runs.setStarred({ runIds: [b], starred: true })).toEqual({ changed: 0 });
    const starred = await client.runs.queryRuns(query({ starredOnly: true, sort: [{ key: 'id', direction: 'asc' }] }));
    expect(starred.rows.map((row) => [row.id, row.starred, row.values.starred])).toEqual([
      [b, true, true],
      [c, true, true],
    ]);
    expect((await client.runs.queryRuns(query({ conditions: filter('starred = true') }))).total).toBe(2);
  });

  it('applies an edit to every run or, when one is missing, to none', async () => {
    const id = runs[5]!.id;
    await expect(client.runs.setStarred({ runIds: [id, 'run-nope-1'], starred: true })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('run-nope-1'),
    });
    expect(
      (await client.runs.queryRuns(query({ conditions: [{ key: 'id', op: '=', value: id }] }))).rows[0]!.starred,
    ).toBe(false);
    await expect(client.runs.queryRuns({ ...query(), limit: 0 })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('limit'),
    });
    await expect(client.runs.archiveRuns({ runIds: ['not-a-run'] })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('archives, soft-deletes and restores runs, each scope listing its own', async () => {
    const [a, b] = [runs[6]!.id, runs[7]!.id];
    const before = (await client.runs.queryRuns(query())).scopeCounts;
    expect(before).toEqual({ active: 40, archived: 0, deleted: 0 });
    expect(await client.runs.archiveRuns({ runIds: [a] })).toEqual({ changed: 1 });
    expect(await client.runs.deleteRuns({ runIds: [b] })).toEqual({ changed: 1 });
    const active = await client.runs.queryRuns(query({ limit: 100 }));
    expect(active.scopeCounts).toEqual({ active: 38, archived: 1, deleted: 1 });
    expect(active.rows.map((row) => row.id)).not.toContain(a);
    expect(active.rows.map((row) => row.id)).not.toContain(b);
    expect(
      (await client.runs.queryRuns(query({ scope: 'archived' }))).rows.map((row) => [row.id, row.archived]),
    ).toEqual([[a, true]]);
    expect((await client.runs.queryRuns(query({ scope: 'deleted' }))).rows.map((row) => [row.id, row.deleted])).toEqual(
      [[b, true]],
    );
    // Deleting an archived run puts it in the trash, not in both lists.
    await client.runs.deleteRuns({ runIds: [a] });
    expect((await client.runs.queryRuns(query({ scope: 'archived' }))).total).toBe(0);
    expect(await client.runs.restoreRuns({ runIds: [a, b] })).toEqual({ changed: 2 });
    expect((await client.runs.queryRuns(query({ scope: 'archived' }))).rows.map((row) => row.id)).toEqual([a]);
    await client.runs.unarchiveRuns({ runIds: [a] });
    expect((await client.runs.queryRuns(query())).scopeCounts).toEqual({ active: 40, archived: 0, deleted: 0 });

    const running = runs.find((run) => run.status === 'queued')!.id;
    await expect(client.runs.deleteRuns({ runIds: [running] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/is being trained by a test \(process \d+ on .+\); cancel it there/),
    });
  });

  it('purges only deleted runs, with their rows and folders', async () => {
    const id = runs[8]!.id;
    fs.mkdirSync(path.join(projectDir, 'runs', id, 'model'), { recursive: true });
    fs.writeFileSync(path.join(projectDir, 'runs', id, 'model', 'weights.bin'), Buffer.alloc(4096));
    await expect(client.runs.purgeDeletedRuns({ runIds: [id] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/not deleted/),
    });
    await client.runs.addTags({ runIds: [id], tags: ['doomed'] });
    await client.runs.deleteRuns({ runIds: [id] });
    expect(await client.runs.purgeDeletedRuns({})).toEqual({ purged: 1, bytesFreed: 4096 });
    expect(fs.existsSync(path.join(projectDir, 'runs', id))).toBe(false);
    for (const table of ['runs', 'metrics', 'latest_metrics', 'run_tags']) {
      expect(
        db
          .prepare(`SELECT COUNT(*) FROM ${table} WHERE ${table === 'runs' ? 'id' : 'run_id'} = ?`)
          .pluck()
          .get(id),
        table,
      ).toBe(0);
    }
    const page = await client.runs.queryRuns(query({ scope: 'deleted' }));
    expect(page.scopeCounts).toEqual({ active: 39, archived: 0, deleted: 0 });
    runs.splice(8, 1);
  });

  it('sees runs written by another process, and tells listeners which', async () => {
    const other = new Database(path.join(projectDir, 'project.sqlite'));
    const target = runs.find((run) => run.status === 'done')!.id;
    const events: RunsChangedEvent[] = [];
    const unsubscribe = client.runs.onDidChangeRuns((event) => events.push(event));
    await client.runs.queryRuns(query());
    recordMetrics(other, target, [
      { key: 'val_loss', step: 10_000, value: 0.4242 },
      { key: 'custom_metric', step: 10_000, value: 7 },
    ]);
    other.close();
    const page = await client.runs.queryRuns(query({ conditions: filter('custom_metric = 7') }));
    expect(page.rows.map((row) => [row.id, row.values.val_loss])).toEqual([[target, 0.4242]]);
    expect(page.columns.find((column) => column.key === 'custom_metric')).toMatchObject({ kind: 'metric', count: 1 });

    // The watcher finds a change nobody has queried yet.
    const writer = new Database(path.join(projectDir, 'project.sqlite'));
    recordMetrics(writer, target, [{ key: 'custom_metric', step: 10_001, value: 8 }]);
    writer.close();
    await expect.poll(() => events.flatMap((event) => event.runIds), { timeout: 5000 }).toContain(target);
    unsubscribe();
  });
});

describe('the run table at 10,000 runs', () => {
  it('returns the right first page of a filtered, sorted query, fast', async () => {
    const { studio, client, db } = await openStudio('ten-thousand');
    const snapshot = createSnapshot(db);
    const runs = syntheticRuns(10_000, { seed: 11, epochs: [2, 3] });
    db.transaction(() => runs.forEach((run) => insertSyntheticRun(db, snapshot, run)))();

    let started = performance.now();
    const first = await client.runs.queryRuns(query({ limit: 50 }));
    const buildMs = performance.now() - started;
    expect(first.total).toBe(10_000);
    expect(first.rows.map((row) => row.id)).toEqual(
      [...runs]
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
        .slice(0, 50)
        .map((run) => run.id),
    );

    const expected = runs
      .filter(
        (run) =>
          run.status === 'done' &&
          run.valAccuracy > 0.9 &&
          run.spec.model.kind === 'ds_cnn' &&
          run.gzipBytes / 1024 < 500,
      )
      .sort((a, b) => a.latencyMs - b.latencyMs || (a.id < b.id ? -1 : 1));
    const paged = query({
      conditions: filter('val_accuracy > 0.9 and model.kind = ds_cnn and stats.gzip_kb < 500'),
      sort: [{ key: 'stats.latency_ms', direction: 'asc' }],
      limit: 50,
    });
    started = performance.now();
    const page = await client.runs.queryRuns(paged);
    const queryMs = performance.now() - started;
    expect(page.total).toBe(expected.length);
    expect(page.rows.map((row) => row.id)).toEqual(expected.slice(0, 50).map((run) => run.id));

    started = performance.now();
    const bySize = await client.runs.queryRuns(
      query({ sort: [{ key: 'stats.gzip_kb', direction: 'desc' }], limit: 50 }),
    );
    const sortMs = performance.now() - started;
    expect(bySize.rows.map((row) => row.id)).toEqual(
      runs
        .filter((run) => run.status === 'done')
        .sort((a, b) => b.gzipBytes - a.gzipBytes || (a.id < b.id ? -1 : 1))
        .slice(0, 50)
        .map((run) => run.id),
    );
    console.log(
      `10,000 runs: index ${buildMs.toFixed(0)} ms, filtered + sorted page ${queryMs.toFixed(1)} ms, free sort ${sortMs.toFixed(1)} ms`,
    );
    // Loose bounds for a loaded CI machine; bench/runTable.bench.ts measures properly.
    expect(queryMs).toBeLessThan(250);
    expect(sortMs).toBeLessThan(250);
    studio.dispose();
  });
});

describe('migration 7', () => {
  it("brings a version 6 project's runs into the table with empty annotations", async () => {
    const projectDir = path.join(dir, 'v6');
    fs.mkdirSync(path.join(projectDir, 'runs'), { recursive: true });
    const old = openProjectDatabase(path.join(projectDir, 'project.sqlite'), {
      create: true,
      migrations: migrations.filter((migration) => migration.version <= 6),
    });
    old
      .prepare(
        "INSERT INTO project (id, name, created_at, created_by_version) VALUES (1, 'old', '2026-01-01T00:00:00Z', '0.1.0')",
      )
      .run();
    // Written as version 6 wrote it (today's createSnapshot reads columns that came later).
    const snapshot = 'snap-v6';
    old
      .prepare("INSERT INTO snapshots (id, created_at, clip_count) VALUES (?, '2026-01-01T00:00:00Z', 0)")
      .run(snapshot);
    const [run] = syntheticRuns(1, { seed: 5 });
    insertSyntheticRun(old, snapshot, { ...run!, status: 'done' });
    expect(old.pragma('user_version', { simple: true })).toBe(6);
    old.close();

    const studio = createServices({ home: path.join(dir, 'home') });
    const info = await studio.services.project.open({ path: projectDir });
    expect(info.schemaVersion).toBe(migrations.at(-1)!.version);
    const page = await studio.services.runs.queryRuns(query());
    expect(page.rows).toEqual([
      expect.objectContaining({ id: run!.id, tags: [], note: '', starred: false, archived: false, deleted: false }),
    ]);
    expect(page.rows[0]!.values).toMatchObject({ val_accuracy: run!.valAccuracy, 'stats.parameters': run!.params });
    expect(await studio.services.runs.addTags({ runIds: [run!.id], tags: ['migrated'] })).toEqual({ changed: 1 });
    expect((await studio.services.runs.queryRuns(query({ conditions: filter('tags = migrated') }))).total).toBe(1);
    studio.dispose();
  });
});
