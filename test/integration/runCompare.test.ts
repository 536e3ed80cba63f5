import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paretoFront } from '../../src-shared/compare/paretoFront.ts';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import type { TrainingProgress } from '../../src-shared/model/Run.ts';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { createServices, type StudioServices } from '../../src-main/services/createServices.ts';
import { createSweep, listTrials, updateTrial } from '../../src-main/services/sweeps/sweepStore.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { savePredictions, type PredictionRow } from '../../src-main/services/runs/store/savePredictions.ts';
import type { ProjectDatabase } from '../../src-main/store/openProjectDatabase.ts';
import { insertSyntheticRun, syntheticSummary, type SyntheticRun } from '../support/syntheticRuns.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-run-compare-');

async function connect(studio: StudioServices): Promise<ServiceTable> {
  const dispatcher = createDispatcher(studio.services);
  return createClient({ invoke: (channel, input) => dispatcher.call(channel, input), subscribe: dispatcher.subscribe });
}

/** Library clips written straight to the catalog: name → [label, split]. */
function insertClips(
  db: ProjectDatabase,
  clips: Record<string, [string, 'train' | 'validation' | 'test']>,
): Map<string, number> {
  const labelId = new Map<string, number>();
  const ids = new Map<string, number>();
  for (const [name, [label, split]] of Object.entries(clips)) {
    if (!labelId.has(label))
      labelId.set(
        label,
        Number(
          db.prepare('INSERT INTO labels (name, created_at) VALUES (?, ?)').run(label, '2026-01-01').lastInsertRowid,
        ),
      );
    const result = db
      .prepare(
        `INSERT INTO clips (hash, ext, source_path, original_name, label_id, split, duration_ms, sample_rate, channels, bits_per_sample, num_frames, added_at)
                VALUES (?, 'wav', ?, ?, ?, ?, 1000, 16000, 1, 16, 16000, '2026-01-01')`,
      )
      .run(name.padEnd(64, '0'), `/data/${name}.wav`, `${name}.wav`, labelId.get(label), split);
    ids.set(name, Number(result.lastInsertRowid));
  }
  return ids;
}

const prediction = (
  clipId: number,
  split: string,
  label: string,
  predicted: string,
  confidence: number,
): PredictionRow => ({
  clipId,
  split,
  label,
  predicted,
  confidence,
  probabilities: Float32Array.of(confidence, 1 - confidence),
});

describe('comparing runs', () => {
  let studio: StudioServices;
  let client: ServiceTable;
  let db: ProjectDatabase;
  let clip: Map<string, number>;
  let base: SyntheticRun;
  let other: SyntheticRun;
  let third: SyntheticRun;

  beforeAll(async () => {
    studio = createServices({ home: path.join(dir, 'home') });
    client = await connect(studio);
    await client.project.create({ path: path.join(dir, 'compare') });
    db = studio.session.require().db;
    clip = insertClips(db, {
      c1: ['yes', 'test'],
      c2: ['no', 'test'],
      c3: ['up', 'test'],
      c4: ['yes', 'test'],
      c5: ['no', 'test'],
      c6: ['up', 'test'],
      c7: ['other', 'validation'],
      c8: ['yes', 'test'],
      c9: ['yes', 'test'],
    });
    const snapshot = createSnapshot(db);
    const spec = smallSpec(3);
    const make = (id: string, name: string, runSpec: TrainSpec, fields: Partial<SyntheticRun>): SyntheticRun => ({
      id,
      name,
      createdAt: '2026-02-01T10:00:00.000Z',
      spec: runSpec,
      status: 'done',
      valAccuracy: 0.8,
      testAccuracy: 0.8,
      params: 20_000,
      gzipBytes: 60_000,
      latencyMs: 2,
      sparsity: 0,
      ...fields,
    });
    base = make('run-base', 'base, "quoted"\nrun', spec, { valAccuracy: 0.85, testAccuracy: 0.8, gzipBytes: 70_000 });
    other = make(
      'run-other',
      'wider',
      {
        ...spec,
        model: { ...spec.model, firstConv: { filters: 32, kernel: [10, 4], stride: [2, 2] } } as TrainSpec['model'],
        schedule: { kind: 'constant', rate: 0.001 },
      },
      { valAccuracy: 0.9, testAccuracy: 0.85, gzipBytes: 50_000, latencyMs: 3, epochSeconds: 20 },
    );
    third = make(
      'run-third',
      'tiny',
      { ...spec, model: { kind: 'tiny_conv', dropout: 0.2 }, data: { ...spec.data, wantedWords: ['yes', 'no'] } },
      { classes: ['_silence_', '_unknown_', 'yes', 'no'], testAccuracy: 0.75, gzipBytes: 10_000, latencyMs: 1 },
    );
    for (const run of [base, other, third]) insertSyntheticRun(db, snapshot, run);

    const id = (name: string) => clip.get(name)!;
    savePredictions(db, base.id, [
      prediction(id('c1'), 'test', 'yes', 'no', 0.95),
      prediction(id('c2'), 'test', 'no', 'no', 0.9),
      prediction(id('c3'), 'test', 'up', 'yes', 0.6),
      prediction(id('c4'), 'test', 'yes', 'no', 0.85),
      prediction(id('c5'), 'test', 'no', 'no', 0.97),
      prediction(id('c6'), 'test', 'up', 'up', 0.9),
      prediction(id('c7'), 'validation', '_unknown_', '_unknown_', 0.7),
      prediction(id('c8'), 'test', 'yes', 'no', 0.99),
      prediction(id('c9'), 'test', 'yes', '_unknown_', 0.9),
    ]);
    // c8 was relabeled to "no" before the other run trained; c6 and c9 it did not predict.
    savePredictions(db, other.id, [
      prediction(id('c1'), 'test', 'yes', 'yes', 0.8),
      prediction(id('c2'), 'test', 'no', 'up', 0.7),
      prediction(id('c3'), 'test', 'up', 'no', 0.55),
      prediction(id('c4'), 'test', 'yes', 'no', 0.9),
      prediction(id('c5'), 'test', 'no', 'no', 0.99),
      prediction(id('c7'), 'validation', '_unknown_', 'yes', 0.65),
      prediction(id('c8'), 'test', 'no', 'no', 0.92),
    ]);
  });
  afterAll(() => studio.dispose());

  it('diffs the configs, overlays the curves and lines up confusion matrices, per-class metrics and model stats', async () => {
    const comparison = await client.runs.compareRuns({ runIds: [base.id, other.id, third.id] });
    expect(comparison.runs.map((run) => [run.id, run.name, run.status])).toEqual([
      [base.id, base.name, 'done'],
      [other.id, 'wider', 'done'],
      [third.id, 'tiny', 'done'],
    ]);
    expect(comparison.runs[0]!.spec).toEqual(base.spec);
    expect(comparison.runs[1]!.summary).toEqual(syntheticSummary(other));
    expect(comparison.baselineRunId).toBe(base.id);

    const diff = new Map(comparison.configDiff.map((row) => [row.key, row.values]));
    expect(diff.get('model.kind')).toEqual(['ds_cnn', 'ds_cnn', 'tiny_conv']);
    expect(diff.get('model.firstConv.filters')).toEqual([16, 32, null]);
    expect(diff.get('schedule.rate')).toEqual([0.005, 0.001, 0.005]);
    expect(diff.get('data.wantedWords')).toEqual(['yes, no, up', 'yes, no, up', 'yes, no']);
    expect(diff.has('seed')).toBe(false);
    expect(diff.has('features.melBins')).toBe(false);

    expect(comparison.metricKeys).toEqual([
      'epoch',
      'latency_ms',
      'learning_rate',
      'test_accuracy',
      'train_accuracy',
      'train_loss',
      'val_accuracy',
      'val_loss',
    ]);
    const baseCurve = comparison.runs[0]!.series.val_accuracy!;
    expect(baseCurve.map((point) => [point.step, point.epoch, point.seconds])).toEqual([
      [25, 1, 10],
      [50, 2, 20],
      [75, 3, 30],
    ]);
    expect(baseCurve.at(-1)!.value).toBe(base.valAccuracy);
    expect(comparison.runs[1]!.series.val_accuracy!.map((point) => point.seconds)).toEqual([20, 40, 60]);
    expect(comparison.runs[0]!.series.test_accuracy).toEqual([
      { step: 75, epoch: 3, seconds: 40, value: base.testAccuracy },
    ]);

    expect(comparison.confusions.map((confusion) => confusion?.classes.length)).toEqual([5, 5, 4]);
    const [vsOther, vsThird] = comparison.confusionDifferences;
    expect(vsOther).toMatchObject({ runId: other.id, baselineRunId: base.id, classes: syntheticSummary(base).classes });
    const a = syntheticSummary(base).confusion;
    const b = syntheticSummary(other).confusion;
    expect(vsOther!.counts).toEqual(b.map((row, i) => row.map((count, j) => count - a[i]![j]!)));
    expect(vsThird!.classes).toEqual(['_silence_', '_unknown_', 'yes', 'no', 'up']);
    expect(vsThird!.counts[4]![4]).toBe(-a[4]![4]!);

    expect(comparison.perClass.map((row) => row.label)).toEqual(['_silence_', '_unknown_', 'yes', 'no', 'up']);
    expect(comparison.perClass.find((row) => row.label === 'yes')!.best.recall).toEqual([1]);
    expect(comparison.perClass.find((row) => row.label === 'up')!.values.recall[2]).toBeNull();

    const stats = new Map(comparison.stats.map((stat) => [stat.key, stat]));
    expect(stats.get('gzip_kb')).toMatchObject({
      values: [70_000 / 1024, 50_000 / 1024, 10_000 / 1024],
      best: [2],
      better: 'lower',
    });
    expect(stats.get('test_accuracy')).toMatchObject({ values: [0.8, 0.85, 0.75], best: [1] });
    expect(stats.get('latency_ms')!.best).toEqual([2]);
    expect(stats.get('sparsity')!.best).toEqual([]);
    for (const key of ['parameters', 'macs', 'size_kb', 'validation_accuracy', 'train_seconds'])
      expect(stats.has(key as never), key).toBe(true);

    const other2 = await client.runs.compareRuns({ runIds: [base.id, other.id], baselineRunId: other.id });
    expect(other2.confusionDifferences.map((item) => [item.runId, item.baselineRunId])).toEqual([[base.id, other.id]]);
  });

  it('refuses fewer than 2 or more than 8 runs, repeats and a baseline outside the list', async () => {
    await expect(client.runs.compareRuns({ runIds: [base.id] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('at least 2'),
    });
    await expect(
      client.runs.compareRuns({ runIds: Array.from({ length: 9 }, (_, i) => `run-x${i}`) }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(client.runs.compareRuns({ runIds: [base.id, base.id] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('twice'),
    });
    await expect(
      client.runs.compareRuns({ runIds: [base.id, other.id], baselineRunId: third.id }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(client.runs.compareRuns({ runIds: [base.id, 'run-missing'] })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('run-missing'),
    });
  });

  it('sorts the clips two runs answer differently into fixed, broken and wrong in both, differently', async () => {
    const id = (name: string) => clip.get(name)!;
    const differences = await client.runs.clipDifferences({ baseRunId: base.id, otherRunId: other.id });
    expect(differences).toMatchObject({
      compared: 7,
      baseCorrect: 3,
      otherCorrect: 3,
      counts: { fixed: 2, broken: 2, both_wrong: 1 },
      split: null,
    });
    // Most confident (by the other run) first.
    expect(differences.fixed.map((item) => item.clipId)).toEqual([id('c8'), id('c1')]);
    expect(differences.broken.map((item) => item.clipId)).toEqual([id('c2'), id('c7')]);
    expect(differences.bothWrong.map((item) => item.clipId)).toEqual([id('c3')]);
    expect(differences.fixed[0]).toEqual({
      kind: 'fixed',
      clipId: id('c8'),
      originalName: 'c8.wav',
      split: 'test',
      label: 'yes',
      otherLabel: 'no',
      currentLabel: 'yes',
      trashed: false,
      basePredicted: 'no',
      baseConfidence: expect.closeTo(0.99, 6),
      otherPredicted: 'no',
      otherConfidence: expect.closeTo(0.92, 6),
    });

    const test = await client.runs.clipDifferences({
      baseRunId: base.id,
      otherRunId: other.id,
      split: 'test',
      limit: 1,
    });
    expect(test).toMatchObject({ compared: 6, counts: { fixed: 2, broken: 1, both_wrong: 1 } });
    expect(test.fixed).toHaveLength(1);
    // Swapping the runs swaps fixed and broken.
    const swapped = await client.runs.clipDifferences({ baseRunId: other.id, otherRunId: base.id });
    expect(swapped.counts).toEqual({ fixed: 2, broken: 2, both_wrong: 1 });
    expect(swapped.fixed.map((item) => item.clipId).sort()).toEqual([id('c2'), id('c7')].sort());

    await expect(client.runs.clipDifferences({ baseRunId: base.id, otherRunId: base.id })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    db.prepare(
      `INSERT INTO runs (id, name, spec_json, spec_hash, snapshot_id, status, created_at, app_version) SELECT 'run-pending', 'p', spec_json, spec_hash, snapshot_id, 'queued', created_at, 'x' FROM runs WHERE id = ?`,
    ).run(base.id);
    await expect(client.runs.clipDifferences({ baseRunId: base.id, otherRunId: 'run-pending' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/run-pending has no clip predictions \(it is queued\)/),
    });
  });

  it("lists likely mislabeled clips, most confident first, marking those already relabeled to the model's answer", async () => {
    const id = (name: string) => clip.get(name)!;
    await client.library.setLabel({ clipIds: [id('c8')], label: 'no' });
    const list = await client.runs.likelyMislabeled({ runId: base.id, minConfidence: 0.8 });
    expect(list).toMatchObject({ runId: base.id, minConfidence: 0.8, total: 4 });
    expect(
      list.rows.map((row) => [row.clipId, row.predicted, row.suggestedLabel, row.relabeled, row.relabeledToPrediction]),
    ).toEqual([
      [id('c8'), 'no', 'no', true, true],
      [id('c1'), 'no', 'no', false, false],
      [id('c9'), '_unknown_', null, false, false],
      [id('c4'), 'no', 'no', false, false],
    ]);
    expect(list.rows[0]).toMatchObject({
      originalName: 'c8.wav',
      label: 'yes',
      currentLabel: 'no',
      split: 'test',
      trashed: false,
    });
    const top = await client.runs.likelyMislabeled({ runId: base.id, minConfidence: 0.9, limit: 2 });
    expect(top.total).toBe(3);
    expect(top.rows.map((row) => row.clipId)).toEqual([id('c8'), id('c1')]);
    // Undoing the relabel in the library is seen at once.
    await client.library.undo();
    expect((await client.runs.likelyMislabeled({ runId: base.id })).rows[0]).toMatchObject({
      clipId: id('c8'),
      currentLabel: 'yes',
      relabeledToPrediction: false,
      relabeled: false,
    });
  });

  it('exports runs as quoted CSV and as JSON that reads back whole', async () => {
    await client.runs.setNote({ runIds: [base.id], note: ' leading space, and "quotes"' });
    await client.runs.setTags({ runIds: [base.id], tags: ['baseline', 'edge'] });
    await client.runs.setNote({ runIds: [other.id], note: '=HYPERLINK("http://example.com")' });
    const csv = await client.runs.exportRuns({
      runIds: [base.id, other.id],
      format: 'csv',
      columns: ['name', 'val_accuracy', 'note', 'tags', 'model.blocks'],
    });
    expect(csv).toMatchObject({
      format: 'csv',
      mimeType: 'text/csv',
      fileName: expect.stringMatching(/^kws-runs-\d{4}-\d\d-\d\d\.csv$/),
    });
    expect(csv.text.split('\r\n')[0]).toBe('id,name,val_accuracy,note,tags,model.blocks');
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(records).toEqual([
      {
        id: base.id,
        name: base.name,
        val_accuracy: String(base.valAccuracy),
        note: ' leading space, and "quotes"',
        tags: 'baseline, edge',
        'model.blocks': '16, 16',
      },
      // A note a spreadsheet would run as a formula stays text.
      {
        id: other.id,
        name: 'wider',
        val_accuracy: String(other.valAccuracy),
        note: `'=HYPERLINK("http://example.com")`,
        tags: '',
        'model.blocks': '16, 16',
      },
    ]);
    const everything = parse((await client.runs.exportRuns({ runIds: [third.id], format: 'csv' })).text, {
      columns: true,
    }) as Record<string, string>[];
    expect(Object.keys(everything[0]!)).toEqual(
      expect.arrayContaining(['id', 'name', 'status', 'model.kind', 'val_accuracy', 'stats.gzip_kb']),
    );
    expect(everything[0]!['stats.gzip_kb']).toBe(String(10_000 / 1024));
    await expect(client.runs.exportRuns({ runIds: [base.id], format: 'csv', columns: ['nope'] })).rejects.toMatchObject(
      { code: 'invalid_input', message: expect.stringContaining('nope') },
    );

    const json = await client.runs.exportRuns({ runIds: [other.id, base.id], format: 'json' });
    expect(json.mimeType).toBe('application/json');
    const document = JSON.parse(json.text);
    expect(document).toMatchObject({ format: 'kws-studio.runs', version: 1 });
    expect(document.runs.map((run: { id: string }) => run.id)).toEqual([other.id, base.id]);
    expect(document.runs[1].spec).toEqual(base.spec);
    expect(document.runs[1].summary).toEqual(syntheticSummary(base));
    expect(document.runs[1]).toMatchObject({
      name: base.name,
      note: ' leading space, and "quotes"',
      tags: ['baseline', 'edge'],
      values: { 'stats.gzip_kb': 70_000 / 1024 },
    });
    expect(document.runs[1].series.val_accuracy).toEqual(
      (await client.runs.compareRuns({ runIds: [base.id, other.id] })).runs[0]!.series.val_accuracy,
    );
  });

  it('analyses a sweep: varying parameters, its Pareto front under its constraints, and what each parameter explains', async () => {
    const snapshot = createSnapshot(db);
    const baseSpec = smallSpec(3);
    const sweepId = createSweep(
      db,
      {
        name: 'width × rate',
        base: baseSpec,
        axes: [
          { path: 'model.firstConv.filters', values: [8, 16, 32] },
          { path: 'schedule.rate', values: [0.001, 0.01] },
        ],
        strategy: { kind: 'grid' },
        constraints: { maxGzipKb: 60, maxLatencyMs: null, minValAccuracy: null },
        objectives: ['val_accuracy', 'gzip_kb'],
      },
      snapshot,
      'test',
      [8, 16, 32].flatMap((filters) =>
        [0.001, 0.01].map((rate) => ({
          overrides: { 'model.firstConv.filters': filters, 'schedule.rate': rate },
          epochs: 3,
        })),
      ),
    );
    const trials = listTrials(db, sweepId);
    const runs = trials.map((trial): SyntheticRun => {
      const filters = trial.overrides['model.firstConv.filters'] as number;
      const rate = trial.overrides['schedule.rate'] as number;
      const spec: TrainSpec = {
        ...baseSpec,
        name: `trial ${trial.id}`,
        model: { ...baseSpec.model, firstConv: { filters, kernel: [10, 4], stride: [2, 2] } } as TrainSpec['model'],
        schedule: { kind: 'constant', rate },
      };
      return {
        id: `run-trial-${trial.id}`,
        name: `trial ${trial.id}`,
        createdAt: `2026-03-01T10:0${trial.id}:00.000Z`,
        spec,
        status: 'done',
        sweepId,
        // Width decides accuracy and size; the rate barely matters.
        valAccuracy: 0.6 + filters / 100 + (rate === 0.01 ? 0.005 : 0),
        testAccuracy: 0.7,
        params: filters * 1000,
        gzipBytes: filters * 2048,
        latencyMs: 1,
        sparsity: 0,
      };
    });
    for (const run of runs) {
      insertSyntheticRun(db, snapshot, run);
      updateTrial(db, sweepId, Number(run.id.slice('run-trial-'.length)), { status: 'done', runId: run.id });
    }
    const analysis = await client.runs.sweepAnalysis({ sweepId, metric: 'val_accuracy' });
    expect(analysis).toMatchObject({
      sweepId,
      name: 'width × rate',
      metric: 'val_accuracy',
      objectives: ['val_accuracy', 'gzip_kb'],
    });
    expect(analysis.parameters).toEqual([
      { key: 'model.firstConv.filters', type: 'number', values: [8, 16, 32] },
      { key: 'schedule.rate', type: 'number', values: [0.001, 0.01] },
    ]);
    expect(analysis.trials).toHaveLength(6);
    expect(analysis.trials[5]).toMatchObject({
      runId: 'run-trial-5',
      params: { 'model.firstConv.filters': 32, 'schedule.rate': 0.01 },
      metric: runs[5]!.valAccuracy,
      gzipKb: 64,
      meetsConstraints: false,
      pareto: false,
    });
    const eligible = runs.filter((run) => run.gzipBytes / 1024 <= 60);
    const front = paretoFront(eligible, [
      { value: (run) => run.valAccuracy, direction: 'max' },
      { value: (run) => run.gzipBytes, direction: 'min' },
    ]);
    expect(analysis.trials.filter((trial) => trial.pareto).map((trial) => trial.runId)).toEqual(
      front.map((run) => run.id),
    );
    expect(analysis.importance.ok).toBe(true);
    if (analysis.importance.ok) expect(analysis.importance.parameters[0]!.key).toBe('model.firstConv.filters');

    const byLatency = await client.runs.sweepAnalysis({ sweepId, metric: 'stats.gzip_kb' });
    expect(byLatency.trials.map((trial) => trial.metric)).toEqual(runs.map((run) => run.gzipBytes / 1024));
    await expect(client.runs.sweepAnalysis({ sweepId, metric: 'val_acc' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('val_acc'),
    });
    await expect(client.runs.sweepAnalysis({ sweepId: 'sweep-missing' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('comparing two real training runs', () => {
  it('compares runs trained on the words project, clip by clip', async () => {
    const home = path.join(dir, 'home-real');
    const projectDir = path.join(dir, 'words', 'project');
    await createWordsProject(home, projectDir);
    const studio = createServices({ home });
    const client = await connect(studio);
    await client.project.open({ path: projectDir });
    const ended = new Map<string, TrainingProgress>();
    client.training.onDidProgress((progress) => {
      if (progress.status !== 'running') ended.set(progress.runId, progress);
    });
    const first = (await client.training.startRun({ spec: { ...smallSpec(2), name: 'two epochs' } })).id;
    const second = (await client.training.startRun({ spec: { ...smallSpec(3), name: 'three epochs', seed: 8 } })).id;
    await expect.poll(() => ended.size, { timeout: 200_000, interval: 200 }).toBe(2);
    for (const runId of [first, second]) expect(ended.get(runId)?.status, ended.get(runId)?.message).toBe('done');

    const page = await client.runs.queryRuns({
      conditions: [],
      sort: [{ key: 'epochs', direction: 'asc' }],
      scope: 'active',
      offset: 0,
      limit: 10,
    });
    expect(page.rows.map((row) => row.id)).toEqual([first, second]);
    expect(page.rows[0]!.values).toMatchObject({
      epochs: 2,
      'model.kind': 'ds_cnn',
      status: 'done',
      'stats.parameters': expect.any(Number),
      'stats.gzip_kb': expect.any(Number),
      val_accuracy: expect.any(Number),
    });

    const comparison = await client.runs.compareRuns({ runIds: [first, second] });
    expect(comparison.configDiff.map((row) => row.key)).toEqual(['seed', 'epochs']);
    expect(comparison.runs[0]!.series.val_accuracy!.map((point) => point.epoch)).toEqual([1, 2]);
    expect(comparison.runs[1]!.series.val_accuracy!.map((point) => point.epoch)).toEqual([1, 2, 3]);
    const seconds = comparison.runs[1]!.series.train_loss!.map((point) => point.seconds!);
    expect(seconds[0]).toBeGreaterThan(0);
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    expect(comparison.confusions[0]!.classes).toEqual(['_silence_', '_unknown_', 'yes', 'no', 'up']);
    expect(comparison.confusionDifferences[0]!.counts.flat().reduce((a, b) => a + b, 0)).toBe(0);

    const differences = await client.runs.clipDifferences({ baseRunId: first, otherRunId: second, split: 'test' });
    // Only clips both runs predicted: each run draws its own `_unknown_` examples from its seed.
    const testClips = async (runId: string) =>
      new Set((await client.runs.predictions({ runId, split: 'test', limit: 100_000 })).map((item) => item.clipId));
    const [firstClips, secondClips] = [await testClips(first), await testClips(second)];
    expect(differences.compared).toBe([...firstClips].filter((clipId) => secondClips.has(clipId)).length);
    expect(differences.counts.fixed - differences.counts.broken).toBe(
      differences.otherCorrect - differences.baseCorrect,
    );
    for (const item of [...differences.fixed, ...differences.broken])
      expect(item.basePredicted === item.label).not.toBe(item.otherPredicted === item.otherLabel);

    const mislabeled = await client.runs.likelyMislabeled({ runId: first, minConfidence: 0 });
    const confidences = mislabeled.rows.map((row) => row.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(mislabeled.rows.every((row) => row.predicted !== row.label)).toBe(true);
    studio.dispose();
  }, 240_000);
});
