import fs from 'node:fs';
import path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { MIN_STD } from '../../src-shared/dsp/normalizeFeatures.ts';
import type { RunDetail, TrainingProgress } from '../../src-shared/model/Run.ts';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import type { Split } from '../../src-shared/training/planDataset.ts';
import { createServices, type StudioServices } from '../../src-main/services/createServices.ts';
import type { OpenProject } from '../../src-main/services/project/ProjectSession.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { readRunArtifacts } from '../../src-main/services/runs/store/readRunArtifacts.ts';
import { loadTensorflow } from '../../src-main/services/tensorflow/loadTensorflow.ts';
import { prepareExamples } from '../../src-main/services/training/prepareExamples.ts';
import { projectRunSource } from '../../src-main/services/training/RunSource.ts';
import { runModelInputs, type RunModelInputs } from '../../src-main/services/training/runModelInputs.ts';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import { insertSyntheticRun, syntheticClasses } from '../support/syntheticRuns.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-model-inputs-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'words');

/** Dataset normalization, with audio augmentation (time shift, background noise): training keeps every clip's audio. */
const datasetSpec: TrainSpec = { ...smallSpec(8), name: 'dataset' };
/** Clip normalization without audio augmentation: training reuses the raw training features every epoch. */
const clipSpec: TrainSpec = {
  ...smallSpec(2),
  name: 'clip',
  features: { ...smallSpec(2).features, normalization: 'clip' },
  data: { ...smallSpec(2).data, timeShiftMs: 0, backgroundFrequency: 0 },
};

let studio: StudioServices;
let client: ServiceTable;
let project: OpenProject;
let datasetRun: RunDetail;
let clipRun: RunDetail;

function untilSettled(runId: string): Promise<TrainingProgress> {
  return new Promise((resolve) => {
    const off = client.training.onDidProgress((event) => {
      if (event.runId === runId && event.status !== 'running' && event.status !== 'queued') {
        off();
        resolve(event);
      }
    });
  });
}

async function train(spec: TrainSpec): Promise<RunDetail> {
  const started = await client.training.startRun({ spec });
  const end = await untilSettled(started.id);
  expect(end.status, end.message).toBe('done');
  return client.runs.getRun({ runId: started.id });
}

async function failure(call: Promise<unknown>): Promise<StudioError> {
  const error = await call.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, 'the call should have failed').toBeInstanceOf(StudioError);
  return error as StudioError;
}

/** The predictions training recorded for a split, by clip. */
function recordedPredictions(runId: string, split: Split) {
  const rows = project.db
    .prepare(
      'SELECT clip_id AS clipId, label, predicted, probabilities FROM predictions WHERE run_id = ? AND split = ?',
    )
    .all(runId, split) as { clipId: number; label: string; predicted: string; probabilities: Buffer }[];
  return new Map(
    rows.map((row) => [
      row.clipId,
      {
        label: row.label,
        predicted: row.predicted,
        probabilities: new Float32Array(new Uint8Array(row.probabilities).buffer),
      },
    ]),
  );
}

/** The run's saved TF.js model (what training wrote to runs/<id>/model) on the inputs: softmax probabilities per example. */
async function savedModelProbabilities(runId: string, made: RunModelInputs): Promise<Float32Array[]> {
  const { tf } = await loadTensorflow();
  const model = await tf.loadLayersModel(`file://${path.join(projectDir, 'runs', runId, 'model', 'model.json')}`);
  try {
    const size = made.shape[0] * made.shape[1];
    const batch = new Float32Array(made.inputs.length * size);
    made.inputs.forEach((input, i) => batch.set(input, i * size));
    const probabilities = tf.tidy(
      () =>
        tf
          .softmax(model.predict(tf.tensor4d(batch, [made.inputs.length, ...made.shape])) as Tensor)
          .dataSync() as Float32Array,
    );
    const classes = made.classes.length;
    return made.inputs.map((_, i) => probabilities.slice(i * classes, (i + 1) * classes));
  } finally {
    model.dispose();
  }
}

/** Feeds the inputs to the saved model and checks each answer against the one training recorded. */
async function expectRecordedPredictions(runId: string, made: RunModelInputs): Promise<void> {
  const recorded = recordedPredictions(runId, made.split);
  // Every clip training predicted in the split, no more: `_silence_` examples have no clip and no row.
  expect(made.items.map((item) => item.clipId).sort((a, b) => a - b)).toEqual(
    [...recorded.keys()].sort((a, b) => a - b),
  );
  const probabilities = await savedModelProbabilities(runId, made);
  let largest = 0;
  for (const [i, item] of made.items.entries()) {
    const row = recorded.get(item.clipId)!;
    expect(item.label, `clip ${item.clipId}`).toBe(row.label);
    expect(made.classes[item.classIndex]).toBe(item.label);
    const ours = probabilities[i]!;
    expect(made.classes[ours.indexOf(Math.max(...ours))], `clip ${item.clipId}`).toBe(row.predicted);
    for (let c = 0; c < ours.length; c++) largest = Math.max(largest, Math.abs(ours[c]! - row.probabilities[c]!));
  }
  // The saved model runs as a Keras LayersModel, training's evaluation through the zoo's own apply:
  // the same arithmetic up to float32 rounding (measured: at most 6e-8, a unit in the last place).
  expect(largest).toBeLessThan(1e-6);
}

beforeAll(async () => {
  await createWordsProject(home, projectDir);
  studio = createServices({ home });
  const dispatcher = createDispatcher(studio.services);
  client = createClient({
    invoke: (channel, input) => dispatcher.call(channel, input),
    subscribe: dispatcher.subscribe,
  });
  await client.project.open({ path: projectDir });
  project = studio.session.require();
  datasetRun = await train(datasetSpec);
  clipRun = await train(clipSpec);
}, 600_000);

afterAll(() => studio?.dispose());

describe('a finished run’s model inputs', () => {
  it('records dataset normalization with the run, as float32 values, and reads it back', async () => {
    const file = path.join(projectDir, 'runs', datasetRun.id, 'normalization.json');
    const artifact = readRunArtifacts(project.db, datasetRun.id).find((entry) => entry.kind === 'normalization');
    expect(artifact).toEqual({ kind: 'normalization', path: 'normalization.json', bytes: fs.statSync(file).size });
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      kind: string;
      mean: number[];
      std: number[];
      count: number;
      minStd: number;
    };
    expect(Object.keys(record).sort()).toEqual(['count', 'kind', 'mean', 'minStd', 'std']);
    expect(record).toMatchObject({ kind: 'dataset', minStd: MIN_STD });
    const made = await runModelInputs(project, datasetRun.id, { split: 'test' });
    const bins = made.shape[1];
    expect(record.mean).toHaveLength(bins);
    expect(record.std).toHaveLength(bins);
    // Each value is a float32 exactly (rounding it to float32 changes nothing) and the stds are positive.
    expect(Array.from(Float32Array.from(record.mean))).toEqual(record.mean);
    expect(Array.from(Float32Array.from(record.std))).toEqual(record.std);
    expect(record.std.every((value) => value > 0)).toBe(true);
    // Frames of every training example, `_silence_` ones included.
    const trainExamples = (await runModelInputs(project, datasetRun.id, { split: 'train' })).items.length;
    expect(record.count).toBeGreaterThan(trainExamples * made.shape[0]);
    expect(record.count % made.shape[0]).toBe(0);

    expect(made.normalization).toEqual({
      kind: 'dataset',
      mean: Float32Array.from(record.mean),
      std: Float32Array.from(record.std),
      statistics: 'recorded',
    });
    // Clip normalization needs no record.
    expect(fs.existsSync(path.join(projectDir, 'runs', clipRun.id, 'normalization.json'))).toBe(false);
    expect(readRunArtifacts(project.db, clipRun.id).map((entry) => entry.kind)).not.toContain('normalization');
  });

  it('gives the test inputs that make the saved model answer as the run recorded (dataset normalization)', async () => {
    const made = await runModelInputs(project, datasetRun.id, { split: 'test' });
    expect(made.classes).toEqual(datasetRun.summary!.classes);
    expect(made.classes).toEqual(['_silence_', '_unknown_', 'yes', 'no', 'up']);
    expect(made.shape).toEqual([expect.any(Number), expect.any(Number), 1]);
    expect(made.inputs).toHaveLength(made.items.length);
    expect(made.items.length).toBeGreaterThan(10);
    for (const input of made.inputs) expect(input.length).toBe(made.shape[0] * made.shape[1]);
    // Normalized with the training split's statistics: the test set's values centre near zero.
    const values = made.inputs.flatMap((input) => Array.from(input));
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.5);
    // A model that learned something, so agreeing with it covers several classes.
    expect(
      new Set([...recordedPredictions(datasetRun.id, 'test').values()].map((row) => row.predicted)).size,
    ).toBeGreaterThanOrEqual(3);
    await expectRecordedPredictions(datasetRun.id, made);
  });

  it('gives every split of a clip-normalized run without audio augmentation, training split included', async () => {
    for (const split of ['train', 'validation', 'test'] as const) {
      const made = await runModelInputs(project, clipRun.id, { split });
      expect(made.normalization).toEqual({ kind: 'clip', mean: null, std: null, statistics: null });
      // Each clip's own statistics: every feature column has mean 0.
      const [frames, bins] = made.shape;
      const first = made.inputs[0]!;
      for (let b = 0; b < bins; b++) {
        let sum = 0;
        for (let t = 0; t < frames; t++) sum += first[t * bins + b]!;
        expect(Math.abs(sum / frames)).toBeLessThan(1e-4);
      }
      await expectRecordedPredictions(clipRun.id, made);
    }
  });

  it('picks a deterministic subset that covers every class, in plan order, with the same inputs', async () => {
    const full = await runModelInputs(project, datasetRun.id, { split: 'train' });
    const limit = 13;
    const first = await runModelInputs(project, datasetRun.id, { split: 'train', limit });
    const again = await runModelInputs(project, datasetRun.id, { split: 'train', limit });
    expect(first.items).toHaveLength(limit);
    expect(again.items).toEqual(first.items);
    expect(again.inputs).toEqual(first.inputs);

    const position = new Map(full.items.map((item, i) => [item.clipId, i]));
    const positions = first.items.map((item) => position.get(item.clipId)!);
    expect(positions.every((at) => at !== undefined)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const [i, at] of positions.entries()) expect(first.inputs[i]).toEqual(full.inputs[at]);

    // Classes with clips in the split (`_silence_` has none) share the limit within one.
    const counts = new Map<number, number>();
    for (const item of first.items) counts.set(item.classIndex, (counts.get(item.classIndex) ?? 0) + 1);
    const present = new Set(full.items.map((item) => item.classIndex));
    expect([...counts.keys()].sort()).toEqual([...present].sort());
    const shares = [...counts.values()];
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    // Spread over the plan, not its beginning.
    expect(positions.at(-1)!).toBeGreaterThan(full.items.length / 2);

    // A limit above the split's size gives it whole.
    const whole = await runModelInputs(project, datasetRun.id, { split: 'train', limit: 100_000 });
    expect(whole.items).toEqual(full.items);
  });

  it('recomputes the statistics from the training split for a run recorded before normalization.json', async () => {
    const recorded = await runModelInputs(project, datasetRun.id, { split: 'validation' });
    const artifact = project.db
      .prepare("SELECT * FROM artifacts WHERE run_id = ? AND kind = 'normalization'")
      .get(datasetRun.id) as Record<string, unknown>;
    project.db.prepare("DELETE FROM artifacts WHERE run_id = ? AND kind = 'normalization'").run(datasetRun.id);
    const file = path.join(projectDir, 'runs', datasetRun.id, 'normalization.json');
    const kept = path.join(dir, 'normalization.json');
    fs.renameSync(file, kept);
    try {
      const older = await runModelInputs(project, datasetRun.id, { split: 'validation' });
      expect(older.normalization.statistics).toBe('recomputed');
      expect(older.normalization.mean).toEqual(recorded.normalization.mean);
      expect(older.normalization.std).toEqual(recorded.normalization.std);
      expect(older.items).toEqual(recorded.items);
      expect(older.inputs).toEqual(recorded.inputs);
    } finally {
      fs.renameSync(kept, file);
      project.db
        .prepare('INSERT INTO artifacts (run_id, kind, path, bytes, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(artifact.run_id, artifact.kind, artifact.path, artifact.bytes, artifact.created_at);
    }
  });

  it('prepares the same features without decoding the audio training would augment when only features are wanted', async () => {
    const source = projectRunSource(project, datasetRun.id);
    const prepare = (featuresOnly: boolean) =>
      prepareExamples({ source, progress: () => undefined, signal: new AbortController().signal, featuresOnly });
    const forTraining = await prepare(false);
    const featuresOnly = await prepare(true);
    expect(featuresOnly.maker.augmentsAudio).toBe(true);
    for (const split of ['train', 'validation', 'test'] as const)
      expect(featuresOnly.raw[split]).toEqual(forTraining.raw[split]);
    expect(featuresOnly.test).toEqual(forTraining.test);
    expect(featuresOnly.maker.stats).toEqual(forTraining.maker.stats);
    // Every feature came from the cache training filled, so no clip's audio was decoded.
    const clip = featuresOnly.plan.items.train.find((item) => item.clipId !== null)!;
    expect(() => featuresOnly.maker.audioOf(clip, true, createRandom(1))).toThrow(
      `clip ${clip.clipId} has no audio loaded`,
    );
    expect(forTraining.maker.audioOf(clip, true, createRandom(1))).toHaveLength(forTraining.maker.clipSamples);
  });

  it('refuses a damaged normalization record rather than guessing, naming the run and the file', async () => {
    const file = path.join(projectDir, 'runs', datasetRun.id, 'normalization.json');
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, '{"kind":"dataset","mean":[1,2],"std":[1,2]}');
    try {
      const error = await failure(runModelInputs(project, datasetRun.id, { split: 'test' }));
      expect(error.message).toContain(datasetRun.id);
      expect(error.message).toContain(file);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it('names the run that does not exist, is unfinished, or has an empty split', async () => {
    const unknown = await failure(runModelInputs(project, 'run-20990101-000000-abcdef', { split: 'test' }));
    expect(unknown).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('run-20990101-000000-abcdef'),
    });

    const snapshot = createSnapshot(project.db);
    const base = {
      name: 'synthetic',
      createdAt: '2024-01-01T00:00:00.000Z',
      spec: smallSpec(2),
      valAccuracy: 0.9,
      testAccuracy: 0.9,
      params: 1000,
      gzipBytes: 1000,
      latencyMs: 1,
      sparsity: 0,
    };
    insertSyntheticRun(project.db, snapshot, { ...base, id: 'run-synthetic-running', status: 'running' });
    insertSyntheticRun(project.db, snapshot, { ...base, id: 'run-synthetic-failed', status: 'failed' });
    for (const runId of ['run-synthetic-running', 'run-synthetic-failed']) {
      const error = await failure(runModelInputs(project, runId, { split: 'test' }));
      expect(error.code).toBe('invalid_input');
      expect(error.message).toMatch(new RegExp(`^Run ${runId} is (running|failed); only a finished run`));
    }

    // A finished run whose snapshot holds no test clips: no inputs, and the export says why.
    const empty = createSnapshot(project.db);
    project.db
      .prepare("UPDATE snapshot_clips SET split = 'validation' WHERE snapshot_id = ? AND split = 'test'")
      .run(empty);
    insertSyntheticRun(project.db, empty, {
      ...base,
      id: 'run-synthetic-empty',
      status: 'done',
      classes: syntheticClasses,
    });
    const made = await runModelInputs(project, 'run-synthetic-empty', { split: 'test' });
    expect(made).toMatchObject({ items: [], inputs: [] });
    const exported = await failure(
      client.features.exportModelInputs({
        runId: 'run-synthetic-empty',
        split: 'test',
        directory: path.join(dir, 'empty'),
      }),
    );
    expect(exported).toMatchObject({
      code: 'invalid_input',
      message: 'Run run-synthetic-empty has no clips in its test split, so there are no model inputs to export.',
    });
    expect(fs.existsSync(path.join(dir, 'empty'))).toBe(false);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('.kws-features-'))).toEqual([]);
  });
});
