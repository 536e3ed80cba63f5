import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Tensor } from '@tensorflow/tfjs-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { ExportProgress, ExportRunInput } from '../../src-shared/contract/ExportService.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { featureGeometry } from '../../src-shared/dsp/featureGeometry.ts';
import type { ExportManifest, ExportResult, ShipReport } from '../../src-shared/model/ExportBundle.ts';
import type { RunDetail, TrainingProgress } from '../../src-shared/model/Run.ts';
import type { RunRow } from '../../src-shared/model/RunTable.ts';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { createServices, type StudioServices } from '../../src-main/services/createServices.ts';
import { buildShipModel, deployStatsOf } from '../../src-main/services/export/ship/buildShipModel.ts';
import { readTfjsGraph } from '../../src-main/services/optimize/graph/readTfjsGraph.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { loadTensorflow } from '../../src-main/services/tensorflow/loadTensorflow.ts';
import { insertSyntheticRun } from '../support/syntheticRuns.ts';
import { hasReferencePython, referencePython, referencePythonMissing } from '../support/tfliteReference.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-export-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'words');
const out = path.join(dir, 'out');
const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');
/** The independent checker of exported models (TensorFlow's own interpreter). */
const checkScript = process.env.KWS_CHECK_TFLITE ?? '/work/shared/tools/check_tflite.py';

/** Clip normalization: everything a device needs to compute the input travels in the bundle. */
const spec = (epochs: number): TrainSpec => ({
  ...smallSpec(epochs),
  features: { ...smallSpec(epochs).features, normalization: 'clip' },
});

let studio: StudioServices;
let client: ServiceTable;
let run: RunDetail;
/** Normalized with its training split's statistics (smallSpec), which its normalization.json records. */
let datasetRun: RunDetail;
/** What training saved in the run's model folder (model.json and its weights), and a bundle's files: those and manifest.json. */
let modelFiles: string[];
let bundleFiles: string[];

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

/** Every file under `folder` with its content hash and modification time. */
function fingerprint(folder: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const digest = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    result[path.relative(folder, file)] = `${digest} ${fs.statSync(file).mtimeMs}`;
  }
  return result;
}

async function failure(call: Promise<unknown>): Promise<StudioError> {
  const error = await call.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, 'the call should have failed').toBeInstanceOf(StudioError);
  return error as StudioError;
}

function cliRun(...args: string[]) {
  return cliRunWith({}, ...args);
}

function cliRunWith(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, KWS_STUDIO_HOME: home, ...env },
    timeout: 180_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Temporary folders an export stages its bundle in, left in `folder`. */
const stagingIn = (folder: string) => fs.readdirSync(folder).filter((name) => name.startsWith('.kws-export-'));

/** The run's row in the run table. */
async function runRow(runId: string): Promise<RunRow> {
  const page = await client.runs.queryRuns({ conditions: [], sort: [], scope: 'active', offset: 0, limit: 1000 });
  const row = page.rows.find((candidate) => candidate.id === runId);
  expect(row, runId).toBeDefined();
  return row!;
}

/** An export through the service with the progress events it fired, and the manifest it wrote. */
async function exportWithProgress(
  input: ExportRunInput,
): Promise<{ result: ExportResult; manifest: ExportManifest; events: ExportProgress[] }> {
  const events: ExportProgress[] = [];
  const off = client.export.onDidProgress((event) => events.push(event));
  try {
    const result = await client.export.exportRun(input);
    const manifest = JSON.parse(fs.readFileSync(path.join(input.directory, 'manifest.json'), 'utf8')) as ExportManifest;
    return { result, manifest, events };
  } finally {
    off();
  }
}

/** Progress for one run and format: stages in words, fractions rising to 1 ("Done"). */
function expectProgress(events: readonly ExportProgress[], runId: string, format: string): void {
  expect(events.length).toBeGreaterThanOrEqual(4);
  for (const event of events) {
    expect(event).toMatchObject({ runId, format });
    expect(event.stage.length, JSON.stringify(event)).toBeGreaterThan(3);
    expect(event.fraction).toBeGreaterThanOrEqual(0);
    expect(event.fraction).toBeLessThanOrEqual(1);
  }
  const fractions = events.map((event) => event.fraction);
  expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  expect(fractions[0]).toBeLessThan(0.5);
  expect(events.at(-1)).toMatchObject({ stage: 'Done', fraction: 1 });
}

/**
 * The figures a TFLite export reports, checked against the file it wrote and against what the run
 * recorded: sizes measured again here, accuracies in 0..1 and near the run's own on the same clips.
 */
async function expectSaneReport(
  report: ShipReport,
  modelFile: string,
  expected: { quantize: 'int8' | 'float32'; io: 'int8' | 'float32'; calibration: number; forRun: RunDetail },
): Promise<void> {
  const bytes = fs.readFileSync(modelFile);
  expect(report).toMatchObject({ quantize: expected.quantize, io: expected.io, modelFile: path.basename(modelFile) });
  // A TFLite flatbuffer: its file identifier at bytes 4..8.
  expect(bytes.subarray(4, 8).toString('latin1')).toBe('TFL3');
  expect(report.sizes.rawBytes).toBe(bytes.length);
  expect(report.sizes.zlibBytes).toBe(zlib.deflateSync(bytes, { level: 9 }).length);
  expect(report.sizes.zlibBytes).toBeLessThan(report.sizes.rawBytes);
  expect(report.sizes.zipBytes).toBeGreaterThan(report.sizes.zlibBytes);

  // Measured on the run's test clips: as many as the run predicted, and the float model as right as the run was.
  const predictions = await client.runs.predictions({ runId: expected.forRun.id, split: 'test', limit: 100_000 });
  expect(report.evaluationSplit).toBe('test');
  expect(report.testClips).toBeGreaterThan(0);
  expect(report.testClips).toBe(predictions.length);
  const runAccuracy = predictions.filter((row) => row.predicted === row.label).length / predictions.length;
  // Batch norm folded and ReLU fused change float rounding only: at most one clip may flip.
  expect(Math.abs(report.floatAccuracy - runAccuracy)).toBeLessThanOrEqual(1 / report.testClips + 1e-9);
  for (const share of [report.floatAccuracy, report.modelAccuracy, report.agreement]) {
    expect(share).toBeGreaterThanOrEqual(0);
    expect(share).toBeLessThanOrEqual(1);
  }
  if (expected.quantize === 'float32') {
    expect(report.calibrationInputs).toBe(0);
    expect(report.modelAccuracy).toBe(report.floatAccuracy);
    expect(report.agreement).toBe(1);
  } else {
    expect(report.calibrationInputs).toBeGreaterThan(0);
    expect(report.calibrationInputs).toBeLessThanOrEqual(expected.calibration);
    // Quantization may cost a little, not the model.
    expect(report.agreement).toBeGreaterThan(0.7);
  }

  // The ops of a DS-CNN; QUANTIZE / DEQUANTIZE only at the float edges of an int8 model.
  expect(report.ops).toEqual(expect.arrayContaining(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'SOFTMAX']));
  const edges = expected.quantize === 'int8' && expected.io === 'float32';
  expect(report.ops.includes('QUANTIZE')).toBe(edges);
  expect(report.ops.includes('DEQUANTIZE')).toBe(edges);
  expect(new Set(report.ops).size).toBe(report.ops.length);

  expect(report.macs).toBe(expected.forRun.summary!.model.macs);
  expect(report.arenaBytes).toBeGreaterThan(0);
  expect(report.frontEndMs).toBeGreaterThan(0);
  if (report.interpreterLatencyMs) {
    expect(report.interpreterLatencyMs.default).toBeGreaterThan(0);
    expect(report.interpreterLatencyMs.reference).toBeGreaterThan(0);
  } else {
    expect(report.latencyNote).toMatch(/^not measured: /);
  }
  const geometry = featureGeometry(expected.forRun.spec.features);
  expect(report.input.shape).toEqual([1, geometry.frames, geometry.bins, 1]);
  expect(report.output.shape).toEqual([1, expected.forRun.summary!.classes.length]);
  expect(report.input.dtype).toBe(expected.io);
  expect(report.output.dtype).toBe(expected.io);
  if (expected.io === 'int8') {
    expect(report.input.quantization!.scale).toBeGreaterThan(0);
    expect(report.input.quantization!.zeroPoint).toBeGreaterThanOrEqual(-128);
    expect(report.input.quantization!.zeroPoint).toBeLessThanOrEqual(127);
    // TFLite fixes an int8 softmax's output at scale 1/256, zero point −128.
    expect(report.output.quantization).toEqual({ scale: 1 / 256, zeroPoint: -128 });
  } else {
    expect(report.input.quantization).toBeNull();
    expect(report.output.quantization).toBeNull();
  }
}

beforeAll(async () => {
  await createWordsProject(home, projectDir);
  studio = createServices({ home });
  const dispatcher = createDispatcher(studio.services);
  // Through the dispatcher, as every transport calls: inputs are checked against the schemas.
  client = createClient({
    invoke: (channel, input) => dispatcher.call(channel, input),
    subscribe: dispatcher.subscribe,
  });
  await client.project.open({ path: projectDir });
  const started = await client.training.startRun({ spec: spec(8) });
  const end = await untilSettled(started.id);
  expect(end.status, end.message).toBe('done');
  run = await client.runs.getRun({ runId: started.id });
  modelFiles = fs.readdirSync(path.join(projectDir, 'runs', run.id, 'model')).sort();
  bundleFiles = [...modelFiles, 'manifest.json'].sort();
  // smallSpec normalizes with training-split statistics.
  const datasetStarted = await client.training.startRun({ spec: { ...smallSpec(2), name: 'dataset-normalized' } });
  const datasetEnd = await untilSettled(datasetStarted.id);
  expect(datasetEnd.status, datasetEnd.message).toBe('done');
  datasetRun = await client.runs.getRun({ runId: datasetStarted.id });
  fs.mkdirSync(out);
}, 300_000);

afterAll(() => studio?.dispose());

describe('the export service', () => {
  it('lists its formats', async () => {
    const formats = await client.export.formats();
    expect(formats.map((format) => format.format)).toEqual(['tflite', 'tflm', 'tfjs']);
    for (const format of formats) expect(format.files).toContain('manifest.json');
  });

  it("writes a TF.js bundle that tfjs-node loads and that answers as the run recorded, leaving the run's files as they were", async () => {
    const runFolder = path.join(projectDir, 'runs', run.id);
    const before = fingerprint(runFolder);
    const directory = path.join(out, 'tfjs');

    const result = await client.export.exportRun({ runId: run.id, format: 'tfjs', directory });

    expect(result.directory).toBe(directory);
    expect(result.files.map((file) => file.path).sort()).toEqual(bundleFiles);
    expect(fs.readdirSync(directory).sort()).toEqual(bundleFiles);
    for (const file of result.files)
      expect(fs.statSync(path.join(directory, file.path)).size, file.path).toBe(file.bytes);
    expect(result.bytes).toBe(result.files.reduce((sum, file) => sum + file.bytes, 0));
    for (const name of modelFiles) {
      expect(
        fs.readFileSync(path.join(directory, name)).equals(fs.readFileSync(path.join(runFolder, 'model', name))),
        name,
      ).toBe(true);
    }
    expect(result.warnings).toEqual([]);
    // Staged beside the destination and moved into place: nothing else is left in the parent.
    expect(fs.readdirSync(out)).toEqual(['tfjs']);
    expect(fingerprint(runFolder)).toEqual(before);

    const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as ExportManifest;
    const geometry = featureGeometry(run.spec.features);
    expect(manifest).toMatchObject({
      generator: expect.stringMatching(/^KWS Studio \d/),
      format: 'tfjs',
      run: { id: run.id, name: run.name, specHash: run.specHash, testAccuracy: run.summary!.testAccuracy },
      labels: ['_silence_', '_unknown_', 'yes', 'no', 'up'],
      input: { shape: [1, geometry.frames, geometry.bins, 1], dtype: 'float32' },
      output: { shape: [1, 5], values: 'logits' },
      warnings: [],
    });
    expect(manifest.features).toEqual(run.spec.features);
    expect(manifest.files.map((file) => file.path).sort()).toEqual(modelFiles);

    // The exported model, loaded from the bundle alone, gives each clip the class the run recorded.
    const { tf } = await loadTensorflow();
    const model = await tf.loadLayersModel(`file://${path.join(directory, 'model.json')}`);
    const predictions = await client.runs.predictions({ runId: run.id, split: 'test', limit: 100_000 });
    // The most and least confident clip of each class the run predicted, and every fifth clip besides.
    const chosen = predictions.filter(
      (row, i) =>
        i % 5 === 0 ||
        row === predictions.find((other) => other.predicted === row.predicted) ||
        row === predictions.findLast((other) => other.predicted === row.predicted),
    );
    // A model that learned something: the check covers several classes.
    expect(run.summary!.testAccuracy).toBeGreaterThan(0.5);
    expect(new Set(chosen.map((row) => row.predicted)).size).toBeGreaterThanOrEqual(3);
    for (const row of chosen) {
      const features = await client.features.clipFeatures({ clipId: row.clipId, spec: manifest.features });
      const logits = tf.tidy(() =>
        (model.predict(tf.tensor4d(features.data, [1, features.frames, features.bins, 1])) as Tensor).dataSync(),
      );
      const probabilities = tf.tidy(() => tf.softmax(tf.tensor1d(logits)).dataSync());
      const best = probabilities.indexOf(Math.max(...probabilities));
      expect(manifest.labels[best], `clip ${row.clipId}`).toBe(row.predicted);
      expect(probabilities[best]).toBeCloseTo(row.confidence, 4);
    }
    model.dispose();
  });

  it('gives the same bundle as a zip for a browser download', async () => {
    const staged = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('.kws-export-'));
    const stagedBefore = staged();
    const archive = await client.export.exportFiles({ runId: run.id, format: 'tfjs' });
    // Staged in the system's temporary folder, and removed from there.
    expect(staged()).toEqual(stagedBefore);
    expect(archive).toMatchObject({
      runId: run.id,
      format: 'tfjs',
      fileName: `${run.id}-tfjs.zip`,
      mimeType: 'application/zip',
      warnings: [],
    });
    expect(archive.data).toBeInstanceOf(Uint8Array);
    const zipFile = path.join(dir, archive.fileName);
    fs.writeFileSync(zipFile, archive.data);
    // The machine's own unzip checks every entry's CRC and extracts them.
    const tested = spawnSync('unzip', ['-t', zipFile], { encoding: 'utf8' });
    expect(tested.status, tested.stdout + tested.stderr).toBe(0);
    const extracted = path.join(dir, 'unzipped');
    expect(spawnSync('unzip', ['-q', zipFile, '-d', extracted]).status).toBe(0);
    const folder = path.join(extracted, `${run.id}-tfjs`);
    expect(fs.readdirSync(folder).sort()).toEqual(bundleFiles);
    for (const name of modelFiles) {
      expect(fs.readFileSync(path.join(folder, name)).equals(fs.readFileSync(path.join(out, 'tfjs', name))), name).toBe(
        true,
      );
    }
    for (const file of archive.files) expect(fs.statSync(path.join(folder, file.path)).size).toBe(file.bytes);
  });

  it('refuses an existing folder with files unless told to overwrite, and then replaces only what exports wrote', async () => {
    const directory = path.join(out, 'taken');
    fs.mkdirSync(directory);
    fs.writeFileSync(path.join(directory, 'notes.txt'), 'mine');
    const refused = await failure(client.export.exportRun({ runId: run.id, format: 'tfjs', directory }));
    expect(refused.code).toBe('already_exists');
    expect(refused.message).toContain(directory);
    expect(refused.message).toContain('notes.txt');
    expect(fs.readdirSync(directory)).toEqual(['notes.txt']);

    // An earlier export here listed a shard this one does not write: it goes, the user's file stays, and a
    // manifest naming a file outside the folder is not followed there.
    fs.writeFileSync(path.join(directory, 'old-shard.bin'), 'old');
    fs.writeFileSync(path.join(out, 'outside.txt'), 'mine too');
    fs.writeFileSync(
      path.join(directory, 'manifest.json'),
      JSON.stringify({
        generator: 'KWS Studio 0.0.1',
        files: [
          { path: 'old-shard.bin', bytes: 3 },
          { path: '../outside.txt', bytes: 8 },
        ],
      }),
    );
    const result = await client.export.exportRun({ runId: run.id, format: 'tfjs', directory, overwrite: true });
    expect(fs.readdirSync(directory).sort()).toEqual([...bundleFiles, 'notes.txt'].sort());
    expect(fs.readFileSync(path.join(directory, 'notes.txt'), 'utf8')).toBe('mine');
    expect(fs.readFileSync(path.join(out, 'outside.txt'), 'utf8')).toBe('mine too');
    expect((JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as ExportManifest).run.id).toBe(
      run.id,
    );
    expect(result.files).toHaveLength(3);

    // An empty folder (made in a save dialog) is used as it is.
    const empty = path.join(out, 'empty');
    fs.mkdirSync(empty);
    await client.export.exportRun({ runId: run.id, format: 'tfjs', directory: empty });
    expect(fs.readdirSync(empty).sort()).toEqual(bundleFiles);
  });

  it('names the run or the path when it cannot export', async () => {
    const unknown = await failure(
      client.export.exportRun({ runId: 'run-20990101-000000-abcdef', format: 'tfjs', directory: path.join(out, 'x') }),
    );
    expect(unknown).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('run-20990101-000000-abcdef'),
    });
    expect(
      (await failure(client.export.exportFiles({ runId: 'run-20990101-000000-abcdef', format: 'tfjs' }))).code,
    ).toBe('not_found');

    const missingParent = await failure(
      client.export.exportRun({ runId: run.id, format: 'tfjs', directory: path.join(out, 'no', 'such') }),
    );
    expect(missingParent).toMatchObject({ code: 'not_found', message: expect.stringContaining(path.join(out, 'no')) });
    const relative = await failure(
      client.export.exportRun({ runId: run.id, format: 'tfjs', directory: 'relative/folder' }),
    );
    expect(relative).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('relative/folder') });
    fs.writeFileSync(path.join(out, 'a-file'), '');
    const file = await failure(
      client.export.exportRun({ runId: run.id, format: 'tfjs', directory: path.join(out, 'a-file') }),
    );
    expect(file).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('is a file') });
    const runFolder = path.join(projectDir, 'runs', run.id);
    const inside = await failure(
      client.export.exportRun({
        runId: run.id,
        format: 'tfjs',
        directory: path.join(runFolder, 'model'),
        overwrite: true,
      }),
    );
    expect(inside).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining(`run ${run.id}'s own folder`),
    });

    const badFormat = await failure(
      client.export.exportRun({ runId: run.id, format: 'onnx' as 'tfjs', directory: path.join(out, 'x') }),
    );
    expect(badFormat).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('format') });
    expect(fs.existsSync(path.join(out, 'x'))).toBe(false);

    // A run that lost a model file says which.
    const shard = path.join(
      runFolder,
      'model',
      modelFiles.find((name) => name.endsWith('.bin'))!,
    );
    fs.renameSync(shard, `${shard}.aside`);
    try {
      const lost = await failure(client.export.exportFiles({ runId: run.id, format: 'tfjs' }));
      expect(lost).toMatchObject({ code: 'not_found', message: expect.stringContaining(shard) });
    } finally {
      fs.renameSync(`${shard}.aside`, shard);
    }
  });

  it('carries the dataset normalization statistics the run recorded, in every format and through the CLI', async () => {
    const recorded = JSON.parse(
      fs.readFileSync(path.join(projectDir, 'runs', datasetRun.id, 'normalization.json'), 'utf8'),
    ) as { mean: number[]; std: number[]; minStd: number };
    const bins = featureGeometry(datasetRun.spec.features).bins;
    expect(recorded.mean).toHaveLength(bins);
    expect(recorded.std).toHaveLength(bins);

    for (const format of ['tfjs', 'tflite', 'tflm'] as const) {
      const directory = path.join(out, `dataset-${format}`);
      const result = await client.export.exportRun({ runId: datasetRun.id, format, directory });
      expect(result.warnings, format).toEqual([]);
      const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as ExportManifest;
      expect(manifest.warnings, format).toEqual([]);
      expect(manifest.features.normalization).toBe('dataset');
      // The very values training normalized with (float32, written as the numbers they are).
      expect(manifest.normalization, format).toEqual({
        kind: 'dataset',
        mean: recorded.mean,
        std: recorded.std,
        minStd: recorded.minStd,
      });
    }
    expect((await client.export.exportFiles({ runId: datasetRun.id, format: 'tfjs' })).warnings).toEqual([]);

    const printed = cliRun(
      'export',
      datasetRun.id,
      '--format',
      'tfjs',
      '--project',
      projectDir,
      '--out',
      path.join(out, 'dataset-cli'),
    );
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stderr).not.toContain('note:');
    const cliManifest = JSON.parse(
      fs.readFileSync(path.join(out, 'dataset-cli', 'manifest.json'), 'utf8'),
    ) as ExportManifest;
    expect(cliManifest.normalization.mean).toEqual(recorded.mean);
  });

  it('exports a dataset-normalized run trained before runs recorded their statistics, and says what it carries', async () => {
    // An older run has no normalization artifact row; no store function removes one alone, so SQL does.
    const db = studio.session.require().db;
    const row = db
      .prepare("SELECT * FROM artifacts WHERE run_id = ? AND kind = 'normalization'")
      .get(datasetRun.id) as Record<string, unknown>;
    expect(row).toBeDefined();
    const recorded = JSON.parse(
      fs.readFileSync(path.join(projectDir, 'runs', datasetRun.id, 'normalization.json'), 'utf8'),
    ) as { mean: number[]; std: number[] };
    db.prepare("DELETE FROM artifacts WHERE run_id = ? AND kind = 'normalization'").run(datasetRun.id);
    try {
      // TF.js copies the model as it is: the statistics are not there to carry, and the export says so.
      const expected = `Run ${datasetRun.id} normalizes features with statistics of its training split and was trained before the studio recorded them`;
      const tfjs = await client.export.exportRun({
        runId: datasetRun.id,
        format: 'tfjs',
        directory: path.join(out, 'older-tfjs'),
      });
      expect(tfjs.warnings).toEqual([expect.stringContaining(expected)]);
      expect(tfjs.warnings[0]).toContain('Train the run again to record them.');
      const tfjsManifest = JSON.parse(
        fs.readFileSync(path.join(out, 'older-tfjs', 'manifest.json'), 'utf8'),
      ) as ExportManifest;
      expect(tfjsManifest.warnings).toEqual(tfjs.warnings);
      expect(tfjsManifest.normalization).toMatchObject({ kind: 'dataset', mean: null, std: null });
      const printed = cliRun(
        'export',
        datasetRun.id,
        '--format',
        'tfjs',
        '--project',
        projectDir,
        '--out',
        path.join(out, 'older-cli'),
      );
      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stderr).toContain(`note: ${expected}`);

      // A TFLite export makes the run's inputs itself, recomputing the statistics from the training
      // split as training computed them: the bundle carries them, equal to what training recorded.
      const tflite = await client.export.exportRun({
        runId: datasetRun.id,
        format: 'tflite',
        directory: path.join(out, 'older-tflite'),
      });
      expect(tflite.warnings).toEqual([]);
      const tfliteManifest = JSON.parse(
        fs.readFileSync(path.join(out, 'older-tflite', 'manifest.json'), 'utf8'),
      ) as ExportManifest;
      expect(tfliteManifest.normalization.kind).toBe('dataset');
      expect(tfliteManifest.normalization.mean).toEqual(recorded.mean);
      expect(tfliteManifest.normalization.std).toEqual(recorded.std);
    } finally {
      const columns = Object.keys(row);
      db.prepare(`INSERT INTO artifacts (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(
        ...columns.map((column) => row[column]),
      );
    }
  });

  it('refuses a dataset-normalized run whose recorded statistics file is gone, naming the file', async () => {
    const file = path.join(projectDir, 'runs', datasetRun.id, 'normalization.json');
    fs.renameSync(file, `${file}.aside`);
    try {
      for (const format of ['tfjs', 'tflite'] as const) {
        const directory = path.join(out, `lost-normalization-${format}`);
        const lost = await failure(client.export.exportRun({ runId: datasetRun.id, format, directory }));
        expect(lost).toMatchObject({
          code: 'not_found',
          message: `Run ${datasetRun.id} lost its file ${file}; it cannot be exported. Train it again.`,
        });
        expect(fs.existsSync(directory)).toBe(false);
      }
      expect(stagingIn(out)).toEqual([]);
    } finally {
      fs.renameSync(`${file}.aside`, file);
    }
  });

  it('refuses a run that is still running, and one cancelled before it finished', async () => {
    const started = await client.training.startRun({ spec: { ...spec(200), name: 'long' } });
    const settled = untilSettled(started.id);
    const running = await failure(
      client.export.exportRun({ runId: started.id, format: 'tfjs', directory: path.join(out, 'running') }),
    );
    expect(running).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(new RegExp(`Run ${started.id} is still (queued|running)`)),
    });
    await client.training.cancelRun({ runId: started.id });
    expect((await settled).status).toBe('cancelled');
    const cancelled = await failure(client.export.exportFiles({ runId: started.id, format: 'tfjs' }));
    expect(cancelled).toMatchObject({
      code: 'invalid_input',
      message: `Run ${started.id} was cancelled before it finished; resume it to the end, then export it.`,
    });
    expect(fs.existsSync(path.join(out, 'running'))).toBe(false);
  });
});

describe('TFLite and TFLite Micro export', () => {
  /** The run's table row and detail before its first int8 export, kept to show what the export added. */
  let rowBefore: RunRow;

  it('writes an int8 .tflite with float32 input and output by default, reports what it measured and records it in the run table', async () => {
    rowBefore = await runRow(run.id);
    expect(rowBefore.values['stats.tflite_int8_zlib_kb']).toBeUndefined();
    expect(run.summary!.deploy).toBeUndefined();
    const runFolder = path.join(projectDir, 'runs', run.id);
    const before = fingerprint(runFolder);
    const directory = path.join(out, 'tflite-int8-float-io');

    const { result, manifest, events } = await exportWithProgress({ runId: run.id, format: 'tflite', directory });

    expect(result.files.map((file) => file.path).sort()).toEqual(['manifest.json', 'model_int8_float_io.tflite']);
    expect(fs.readdirSync(directory).sort()).toEqual(['manifest.json', 'model_int8_float_io.tflite']);
    for (const file of result.files)
      expect(fs.statSync(path.join(directory, file.path)).size, file.path).toBe(file.bytes);
    expect(result.bytes).toBe(result.files.reduce((sum, file) => sum + file.bytes, 0));
    expect(result.warnings).toEqual([]);
    expect(stagingIn(out)).toEqual([]);
    // Read only: the export changed none of the run's files.
    expect(fingerprint(runFolder)).toEqual(before);

    const report = result.report!;
    await expectSaneReport(report, path.join(directory, 'model_int8_float_io.tflite'), {
      quantize: 'int8',
      io: 'float32',
      calibration: 300,
      forRun: run,
    });
    expect(manifest).toMatchObject({
      generator: expect.stringMatching(/^KWS Studio \d/),
      format: 'tflite',
      run: { id: run.id, name: run.name, specHash: run.specHash, testAccuracy: run.summary!.testAccuracy },
      labels: ['_silence_', '_unknown_', 'yes', 'no', 'up'],
      input: { shape: report.input.shape, dtype: 'float32', quantization: null },
      output: { shape: [1, 5], dtype: 'float32', values: 'probabilities', quantization: null },
      // Clip normalization: each clip's own statistics, nothing to carry.
      normalization: { kind: 'clip', mean: null, std: null, minStd: expect.any(Number) },
      warnings: [],
    });
    expect(manifest.features).toEqual(run.spec.features);
    expect(manifest.tflite).toEqual(report);
    expect(manifest.files).toEqual([{ path: 'model_int8_float_io.tflite', bytes: report.sizes.rawBytes }]);
    expectProgress(events, run.id, 'tflite');
    expect(events.some((event) => /calibrat/i.test(event.stage))).toBe(true);

    // The run now shows what ships: its summary's deploy and the table's stats.tflite_int8_* columns.
    const stats = deployStatsOf(report);
    expect((await client.runs.getRun({ runId: run.id })).summary!.deploy).toEqual(stats);
    const row = await runRow(run.id);
    expect(row.values).toMatchObject({
      'stats.tflite_int8_kb': report.sizes.rawBytes / 1024,
      'stats.tflite_int8_zlib_kb': report.sizes.zlibBytes / 1024,
      'stats.tflite_int8_zip_kb': report.sizes.zipBytes / 1024,
      'stats.tflite_int8_accuracy': report.modelAccuracy,
      'stats.tflite_int8_agreement': report.agreement,
      'stats.tflite_int8_arena_kb': report.arenaBytes / 1024,
    });
    // Nothing else about the run changed.
    for (const [key, value] of Object.entries(rowBefore.values)) expect(row.values[key], key).toEqual(value);
    const columns = await client.runs.columns();
    for (const key of ['stats.tflite_int8_kb', 'stats.tflite_int8_zlib_kb', 'stats.tflite_int8_accuracy']) {
      expect(columns.find((column) => column.key === key)).toMatchObject({ kind: 'stat', type: 'number' });
    }
    const filtered = await client.runs.queryRuns({
      conditions: [{ key: 'stats.tflite_int8_zlib_kb', op: '>', value: 0 }],
      sort: [],
      scope: 'active',
      offset: 0,
      limit: 100,
    });
    expect(filtered.rows.map((candidate) => candidate.id)).toContain(run.id);
  });

  it('writes an int8 .tflite with int8 input and output, calibrated on as many inputs as asked', async () => {
    const directory = path.join(out, 'tflite-int8');
    const { result, manifest, events } = await exportWithProgress({
      runId: run.id,
      format: 'tflite',
      quantize: 'int8',
      io: 'int8',
      calibration: 20,
      directory,
    });
    expect(fs.readdirSync(directory).sort()).toEqual(['manifest.json', 'model_int8.tflite']);
    const report = result.report!;
    await expectSaneReport(report, path.join(directory, 'model_int8.tflite'), {
      quantize: 'int8',
      io: 'int8',
      calibration: 20,
      forRun: run,
    });
    // The training split has more than 20 clips: exactly 20 were used.
    expect(report.calibrationInputs).toBe(20);
    expect(manifest.input).toEqual(report.input);
    expect(manifest.output).toEqual({ ...report.output, values: 'probabilities' });
    expect(manifest.input).toMatchObject({ dtype: 'int8', quantization: { scale: expect.any(Number) } });
    expect(manifest.tflite).toEqual(report);
    expectProgress(events, run.id, 'tflite');
    expect(events.some((event) => event.stage.includes('20'))).toBe(true);
    // Without the QUANTIZE / DEQUANTIZE edges, the file is smaller than the float-I/O one.
    const floatIo = fs.statSync(path.join(out, 'tflite-int8-float-io', 'model_int8_float_io.tflite')).size;
    expect(report.sizes.rawBytes).toBeLessThan(floatIo);
    // The latest int8 export is what the run table shows.
    expect((await runRow(run.id)).values['stats.tflite_int8_zlib_kb']).toBe(report.sizes.zlibBytes / 1024);
    expect((await client.runs.getRun({ runId: run.id })).summary!.deploy).toEqual(deployStatsOf(report));
  });

  it('writes a float32 .tflite that answers as the float model does, and leaves the int8 statistics alone', async () => {
    const deployBefore = (await client.runs.getRun({ runId: run.id })).summary!.deploy;
    const directory = path.join(out, 'tflite-float32');
    const { result, manifest, events } = await exportWithProgress({
      runId: run.id,
      format: 'tflite',
      quantize: 'float32',
      directory,
    });
    expect(fs.readdirSync(directory).sort()).toEqual(['manifest.json', 'model_float32.tflite']);
    const report = result.report!;
    await expectSaneReport(report, path.join(directory, 'model_float32.tflite'), {
      quantize: 'float32',
      io: 'float32',
      calibration: 0,
      forRun: run,
    });
    expect(manifest).toMatchObject({
      input: { dtype: 'float32', quantization: null },
      output: { dtype: 'float32', values: 'probabilities', quantization: null },
    });
    expect(manifest.tflite).toEqual(report);
    expectProgress(events, run.id, 'tflite');
    expect(events.some((event) => /calibrat/i.test(event.stage))).toBe(false);
    // float32 weights: larger than the int8 file (by less than 4×: a model this small is mostly structure,
    // and int8 adds per-channel scales and zero points).
    const int8 = fs.statSync(path.join(out, 'tflite-int8', 'model_int8.tflite')).size;
    expect(report.sizes.rawBytes).toBeGreaterThan(int8);
    expect((await client.runs.getRun({ runId: run.id })).summary!.deploy).toEqual(deployBefore);
  });

  it('writes a TFLite Micro bundle: the .tflite as an aligned C array, its length, the op resolver and int8 I/O', async () => {
    const directory = path.join(out, 'tflm');
    const { result, manifest, events } = await exportWithProgress({
      runId: run.id,
      format: 'tflm',
      calibration: 20,
      directory,
    });
    const names = ['manifest.json', 'model_data.cc', 'model_data.h', 'model_int8.tflite', 'model_ops.h'];
    expect(result.files.map((file) => file.path).sort()).toEqual(names);
    expect(fs.readdirSync(directory).sort()).toEqual(names);
    for (const file of result.files)
      expect(fs.statSync(path.join(directory, file.path)).size, file.path).toBe(file.bytes);
    const report = result.report!;
    await expectSaneReport(report, path.join(directory, 'model_int8.tflite'), {
      quantize: 'int8',
      io: 'int8',
      calibration: 20,
      forRun: run,
    });
    expect(manifest.format).toBe('tflm');
    expect(manifest.tflite).toEqual(report);
    expectProgress(events, run.id, 'tflm');
    // The same calibration makes the same model as the tflite format.
    const model = fs.readFileSync(path.join(directory, 'model_int8.tflite'));
    expect(model.equals(fs.readFileSync(path.join(out, 'tflite-int8', 'model_int8.tflite')))).toBe(true);

    // model_data.cc holds exactly the .tflite's bytes, 16-byte aligned, and their count.
    const source = fs.readFileSync(path.join(directory, 'model_data.cc'), 'utf8');
    expect(source).toContain('#include "model_data.h"');
    expect(source).toContain('alignas(16) const unsigned char g_kws_model[] = {');
    const array = /g_kws_model\[\] = \{([^}]*)\};/.exec(source)![1]!;
    expect(Buffer.from(array.match(/0x[0-9a-f]{2}/g)!.map((hex) => Number.parseInt(hex, 16))).equals(model)).toBe(true);
    expect(source).toContain(`const unsigned int g_kws_model_len = ${model.length};`);
    const header = fs.readFileSync(path.join(directory, 'model_data.h'), 'utf8');
    expect(header).toContain('extern const unsigned char g_kws_model[];');
    expect(header).toContain('extern const unsigned int g_kws_model_len;');
    expect(header).toContain(run.id);
    for (const [index, label] of manifest.labels.entries()) expect(header).toContain(`${index}: ${label}`);
    // The op resolver registers exactly the model's ops.
    const ops = fs.readFileSync(path.join(directory, 'model_ops.h'), 'utf8');
    expect(ops).toContain(`tflite::MicroMutableOpResolver<${report.ops.length}>`);
    const method: Record<string, string> = {
      CONV_2D: 'AddConv2D',
      DEPTHWISE_CONV_2D: 'AddDepthwiseConv2D',
      FULLY_CONNECTED: 'AddFullyConnected',
      MEAN: 'AddMean',
      RESHAPE: 'AddReshape',
      SOFTMAX: 'AddSoftmax',
      MAX_POOL_2D: 'AddMaxPool2D',
      ADD: 'AddAdd',
    };
    for (const op of report.ops) expect(ops, op).toContain(`${method[op]}(`);
    expect(ops).not.toContain('AddQuantize(');
  });

  it('names each zip by format, quantization and I/O, and reports progress for the run being exported', async () => {
    const cases = [
      { choice: { format: 'tflite' as const }, suffix: 'tflite-int8-float-io', model: 'model_int8_float_io.tflite' },
      { choice: { format: 'tflite' as const, io: 'int8' as const }, suffix: 'tflite-int8', model: 'model_int8.tflite' },
      {
        choice: { format: 'tflite' as const, quantize: 'float32' as const },
        suffix: 'tflite-float32',
        model: 'model_float32.tflite',
      },
      { choice: { format: 'tflm' as const }, suffix: 'tflm-int8', model: 'model_int8.tflite' },
    ];
    for (const { choice, suffix, model } of cases) {
      const stagedBefore = stagingIn(os.tmpdir());
      const archive = await client.export.exportFiles({ runId: run.id, calibration: 20, ...choice });
      expect(stagingIn(os.tmpdir())).toEqual(stagedBefore);
      expect(archive).toMatchObject({
        runId: run.id,
        format: choice.format,
        fileName: `${run.id}-${suffix}.zip`,
        mimeType: 'application/zip',
        warnings: [],
      });
      expect(archive.report!.modelFile).toBe(model);
      const zipFile = path.join(dir, archive.fileName);
      fs.writeFileSync(zipFile, archive.data);
      const listed = spawnSync('unzip', ['-Z1', zipFile], { encoding: 'utf8' });
      expect(listed.status, listed.stderr).toBe(0);
      expect(listed.stdout.trim().split('\n').sort()).toEqual(
        archive.files.map((file) => `${run.id}-${suffix}/${file.path}`).sort(),
      );
      expect(archive.files.map((file) => file.path)).toContain(model);
    }

    // Two runs at once: each run's events are its own, each rising to "Done".
    const events: ExportProgress[] = [];
    const off = client.export.onDidProgress((event) => events.push(event));
    try {
      const [first, second] = await Promise.all([
        client.export.exportFiles({ runId: run.id, format: 'tflite', calibration: 20 }),
        client.export.exportFiles({ runId: datasetRun.id, format: 'tflm', calibration: 20 }),
      ]);
      expect(first.fileName).toBe(`${run.id}-tflite-int8-float-io.zip`);
      expect(second.fileName).toBe(`${datasetRun.id}-tflm-int8.zip`);
    } finally {
      off();
    }
    expectProgress(
      events.filter((event) => event.runId === run.id),
      run.id,
      'tflite',
    );
    expectProgress(
      events.filter((event) => event.runId === datasetRun.id),
      datasetRun.id,
      'tflm',
    );
    expect(events.every((event) => event.runId === run.id || event.runId === datasetRun.id)).toBe(true);
  });
});

describe('TFLite export of runs it cannot export', () => {
  /** The export failed, leaving neither the destination nor a staging folder beside it. */
  function expectNothingWritten(directory: string): void {
    expect(fs.existsSync(directory), directory).toBe(false);
    expect(stagingIn(path.dirname(directory))).toEqual([]);
  }

  it('refuses a failed run and a running one, naming the run', async () => {
    const db = studio.session.require().db;
    const snapshot = createSnapshot(db);
    const synthetic = {
      createdAt: '2024-01-01T00:00:00.000Z',
      spec: spec(2),
      valAccuracy: 0.5,
      testAccuracy: 0.5,
      params: 1,
      gzipBytes: 1,
      latencyMs: 1,
      sparsity: 0,
    };
    insertSyntheticRun(db, snapshot, { ...synthetic, id: 'run-synthetic-failed', name: 'failed', status: 'failed' });
    insertSyntheticRun(db, snapshot, { ...synthetic, id: 'run-synthetic-running', name: 'running', status: 'running' });
    for (const format of ['tflite', 'tflm'] as const) {
      const directory = path.join(out, `failed-${format}`);
      const failed = await failure(client.export.exportRun({ runId: 'run-synthetic-failed', format, directory }));
      expect(failed).toMatchObject({
        code: 'invalid_input',
        message:
          'Run run-synthetic-failed failed (stopped); only a finished run can be exported. Resume it or train again.',
      });
      expectNothingWritten(directory);
      const running = await failure(
        client.export.exportRun({ runId: 'run-synthetic-running', format, directory, calibration: 10 }),
      );
      expect(running).toMatchObject({
        code: 'invalid_input',
        message: 'Run run-synthetic-running is still running; export it once it has finished.',
      });
      expectNothingWritten(directory);
    }
    expect(
      (await failure(client.export.exportFiles({ runId: 'run-synthetic-failed', format: 'tflite' }))).message,
    ).toContain('run-synthetic-failed failed');
    const cli = cliRun(
      'export',
      'run-synthetic-failed',
      '--project',
      projectDir,
      '--out',
      path.join(out, 'failed-cli'),
    );
    expect(cli).toMatchObject({ code: 2, stderr: expect.stringContaining('Run run-synthetic-failed failed') });
    expectNothingWritten(path.join(out, 'failed-cli'));
  });

  it('refuses a run that lost its model.json, naming the file', async () => {
    const modelJson = path.join(projectDir, 'runs', run.id, 'model', 'model.json');
    fs.renameSync(modelJson, `${modelJson}.aside`);
    try {
      for (const format of ['tflite', 'tflm'] as const) {
        const directory = path.join(out, `lost-${format}`);
        const lost = await failure(client.export.exportRun({ runId: run.id, format, directory }));
        expect(lost).toMatchObject({
          code: 'not_found',
          message: `Run ${run.id} lost its file ${modelJson}; it cannot be exported. Train it again.`,
        });
        expectNothingWritten(directory);
      }
      const cli = cliRun('export', run.id, '--project', projectDir, '--out', path.join(out, 'lost-cli'));
      expect(cli).toMatchObject({ code: 3, stderr: expect.stringContaining(modelJson) });
      expectNothingWritten(path.join(out, 'lost-cli'));
    } finally {
      fs.renameSync(`${modelJson}.aside`, modelJson);
    }
  });

  it('refuses a model with a layer TFLite export cannot express, naming the run and the layer', async () => {
    const modelJson = path.join(projectDir, 'runs', run.id, 'model', 'model.json');
    const original = fs.readFileSync(modelJson, 'utf8');
    // The same length, so the run's recorded size still matches: only the layer's class changes.
    const edited = original.replace('"class_name":"Dense"', '"class_name":"LSTM" ');
    expect(edited).not.toBe(original);
    expect(Buffer.byteLength(edited)).toBe(Buffer.byteLength(original));
    const layer = (
      JSON.parse(edited) as { modelTopology: { config: { layers: { class_name: string; name: string }[] } } }
    ).modelTopology.config.layers.find((candidate) => candidate.class_name === 'LSTM')!.name;
    fs.writeFileSync(modelJson, edited);
    try {
      const directory = path.join(out, 'lstm');
      const error = await failure(client.export.exportRun({ runId: run.id, format: 'tflite', directory }));
      expect(error).toMatchObject({
        code: 'invalid_input',
        message: `Run ${run.id}'s model cannot be written as TFLite: Layer "${layer}" (LSTM) cannot be expressed in TFLite by this exporter`,
      });
      expectNothingWritten(directory);
      expect((await failure(client.export.exportFiles({ runId: run.id, format: 'tflm' }))).message).toContain(
        `Layer "${layer}" (LSTM)`,
      );
    } finally {
      fs.writeFileSync(modelJson, original);
    }
  });

  it('refuses int8 quantization without calibration inputs', async () => {
    // A finished run always has training clips (training refuses an empty training split), so the
    // service cannot be handed an empty calibration set: the step that would use one refuses it.
    const { tf } = await loadTensorflow();
    const graph = readTfjsGraph(path.join(projectDir, 'runs', run.id, 'model', 'model.json'));
    const geometry = featureGeometry(run.spec.features);
    const ship = (quantize: 'int8' | 'float32') =>
      buildShipModel(tf, {
        graph,
        quantize,
        io: 'int8',
        calibration: [],
        evaluation: { split: 'test', inputs: [new Float32Array(geometry.frames * geometry.bins)], truth: [0] },
        macs: run.summary!.model.macs,
        features: run.spec.features,
      });
    await expect(ship('int8')).rejects.toThrow('no calibration inputs: int8 quantization needs representative inputs');
    // float32 needs none.
    expect((await ship('float32')).report.calibrationInputs).toBe(0);
  });

  it('refuses a run whose snapshot plans no training clips, naming the run, in every TFLite form', async () => {
    // Training never finishes such a run; a copy of the run whose snapshot moved its training clips to
    // validation (SQL: no service makes one) stands for a project edited by hand.
    const db = studio.session.require().db;
    const copyId = 'run-no-training-clips';
    const snapshotId = 'snap-no-training-clips';
    const copyRows = (table: string, where: string, whereValue: string, overrides: Record<string, string>) => {
      const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map(
        (column) => column.name,
      );
      const values = columns.map((column) => overrides[column] ?? column);
      db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${table} WHERE ${where}`,
      ).run(whereValue);
    };
    const source = db.prepare('SELECT snapshot_id FROM runs WHERE id = ?').pluck().get(run.id) as string;
    copyRows('snapshots', 'id = ?', source, { id: `'${snapshotId}'` });
    copyRows('snapshot_clips', 'snapshot_id = ?', source, {
      snapshot_id: `'${snapshotId}'`,
      split: "CASE split WHEN 'train' THEN 'validation' ELSE split END",
    });
    copyRows('runs', 'id = ?', run.id, {
      id: `'${copyId}'`,
      name: "'no training clips'",
      snapshot_id: `'${snapshotId}'`,
    });
    copyRows('artifacts', 'run_id = ?', run.id, { run_id: `'${copyId}'` });
    fs.cpSync(path.join(projectDir, 'runs', run.id), path.join(projectDir, 'runs', copyId), { recursive: true });

    const directory = path.join(out, 'no-training-clips');
    for (const quantize of ['int8', 'float32'] as const) {
      const error = await failure(client.export.exportRun({ runId: copyId, format: 'tflite', quantize, directory }));
      expect(error).toMatchObject({
        code: 'internal',
        message: `Run ${copyId}'s model inputs cannot be made again from its snapshot (the training split is empty: assign splits with a larger training share); it cannot be exported.`,
      });
      expectNothingWritten(directory);
    }
    expect((await failure(client.export.exportFiles({ runId: copyId, format: 'tflm' }))).message).toContain(
      `Run ${copyId}'s model inputs cannot be made again`,
    );
  });

  it('refuses combinations of options that mean nothing, before writing anything', async () => {
    const directory = path.join(out, 'bad-options');
    const floatInt8Io = await failure(
      client.export.exportRun({ runId: run.id, format: 'tflite', quantize: 'float32', io: 'int8', directory }),
    );
    expect(floatInt8Io).toMatchObject({
      code: 'invalid_input',
      message: 'A float32 model has float32 input and output; int8 I/O needs --quantize int8.',
    });
    for (const choice of [{ quantize: 'int8' as const }, { io: 'int8' as const }]) {
      const tfjs = await failure(client.export.exportRun({ runId: run.id, format: 'tfjs', ...choice, directory }));
      expect(tfjs).toMatchObject({
        code: 'invalid_input',
        message: 'A TF.js model is float32 only; choose the tflite or tflm format for an int8 model.',
      });
    }
    for (const calibration of [0, -5, 2.5, 20_000]) {
      const bad = await failure(client.export.exportRun({ runId: run.id, format: 'tflite', calibration, directory }));
      expect(bad.code).toBe('invalid_input');
      expect(bad.message).toContain('calibration');
    }
    expect(
      (await failure(client.export.exportFiles({ runId: run.id, format: 'tflm', calibration: 0 }))).message,
    ).toContain('calibration');
    expectNothingWritten(directory);
  });
});

describe('an export folder on a disk it cannot write', () => {
  const mounts: string[] = [];
  afterAll(() => {
    for (const mountPoint of mounts) spawnSync('umount', ['-l', mountPoint]);
  });
  /** A fresh tmpfs at a new folder, or why there is none (mounting needs root). */
  function mount(name: string, options: string): string | { skipped: string } {
    const mountPoint = path.join(dir, name);
    fs.mkdirSync(mountPoint);
    const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', mountPoint], { encoding: 'utf8' });
    if (result.status !== 0)
      return {
        skipped: `cannot mount a tmpfs here (${(result.stderr || `exit ${result.status}`).trim()}); it needs root`,
      };
    mounts.push(mountPoint);
    return mountPoint;
  }

  it('says the folder is read-only', async ({ skip }) => {
    const mountPoint = mount('read-only', 'ro,size=1m');
    if (typeof mountPoint !== 'string') return skip(mountPoint.skipped);
    const error = await failure(
      client.export.exportRun({ runId: run.id, format: 'tfjs', directory: path.join(mountPoint, 'bundle') }),
    );
    expect(error).toMatchObject({
      code: 'io_error',
      message: `Cannot write in ${mountPoint} (a read-only file system); choose a folder you can write to.`,
    });
  });

  it('says the disk is full and leaves no half-written bundle', async ({ skip }) => {
    // Room for model.json, not for the weights as well.
    const modelJson = fs.statSync(path.join(projectDir, 'runs', run.id, 'model', 'model.json')).size;
    const mountPoint = mount('full', `size=${Math.ceil((modelJson + 8192) / 4096) * 4096}`);
    if (typeof mountPoint !== 'string') return skip(mountPoint.skipped);
    const directory = path.join(mountPoint, 'bundle');
    const error = await failure(client.export.exportRun({ runId: run.id, format: 'tfjs', directory }));
    expect(error.code).toBe('io_error');
    expect(error.message).toMatch(
      new RegExp(
        `^The disk holding ${directory.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is full: nothing was exported and no partial bundle was left\\.`,
      ),
    );
    expect(fs.readdirSync(mountPoint)).toEqual([]);
  });

  it('says so for a TFLite bundle too, before calibrating anything, and leaves nothing behind', async ({ skip }) => {
    const readOnly = mount('read-only-tflite', 'ro,size=1m');
    if (typeof readOnly !== 'string') return skip(readOnly.skipped);
    const events: ExportProgress[] = [];
    const off = client.export.onDidProgress((event) => events.push(event));
    try {
      const error = await failure(
        client.export.exportRun({ runId: run.id, format: 'tflm', directory: path.join(readOnly, 'bundle') }),
      );
      expect(error).toMatchObject({
        code: 'io_error',
        message: `Cannot write in ${readOnly} (a read-only file system); choose a folder you can write to.`,
      });
    } finally {
      off();
    }
    expect(events).toEqual([]);

    // One page: less than any .tflite file, so the model itself does not fit.
    const full = mount('full-tflite', 'size=4k');
    if (typeof full !== 'string') return skip(full.skipped);
    for (const quantize of ['int8', 'float32'] as const) {
      const directory = path.join(full, `bundle-${quantize}`);
      const diskFull = await failure(client.export.exportRun({ runId: run.id, format: 'tflite', quantize, directory }));
      expect(diskFull.code).toBe('io_error');
      expect(diskFull.message).toMatch(
        new RegExp(
          `^The disk holding ${escapeRegExp(directory)} is full: nothing was exported and no partial bundle was left\\.`,
        ),
      );
      expect(fs.readdirSync(full)).toEqual([]);
    }
  });

  it('says a folder it may not write in is not writable', async ({ skip }) => {
    // Permission bits do not stop root: there the read-only file system above stands for this case.
    if (process.getuid?.() === 0) return skip('running as root, whom folder permissions do not stop');
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked, { mode: 0o500 });
    try {
      const directory = path.join(locked, 'bundle');
      const error = await failure(client.export.exportRun({ runId: run.id, format: 'tflite', directory }));
      expect(error).toMatchObject({
        code: 'io_error',
        message: `Cannot write in ${locked} (permission denied); choose a folder you can write to.`,
      });
      expect(fs.readdirSync(locked)).toEqual([]);
    } finally {
      fs.chmodSync(locked, 0o700);
    }
  });
});

describe('kws-studio export', () => {
  it('writes the TF.js bundle, prints what it wrote and exits 0', () => {
    const directory = path.join(out, 'cli');
    const result = cliRun('export', run.id, '--format', 'tfjs', '--project', projectDir, '--out', directory);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`directory=${directory}`);
    expect(
      lines
        .filter((line) => line.startsWith('file='))
        .map((line) => line.split(' ')[0])
        .sort(),
    ).toEqual(bundleFiles.map((name) => `file=${name}`));
    const total = fs
      .readdirSync(directory)
      .reduce((sum, name) => sum + fs.statSync(path.join(directory, name)).size, 0);
    expect(lines.at(-1)).toBe(`bytes=${total}`);
  });

  it('takes --run, relative --out and --json, and overwrites only with --force', () => {
    const taken = cliRun(
      'export',
      '--run',
      run.id,
      '--format',
      'tfjs',
      '--project',
      projectDir,
      '--out',
      'out/cli',
      '--json',
    );
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(
      new RegExp(
        `^kws-studio: ${path.join(out, 'cli').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} already holds 3 files .*--force`,
      ),
    );
    const forced = cliRun(
      'export',
      '--run',
      run.id,
      '--format',
      'tfjs',
      '--project',
      projectDir,
      '--out',
      'out/cli',
      '--force',
      '--json',
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({
      runId: run.id,
      format: 'tfjs',
      directory: path.join(out, 'cli'),
      warnings: [],
      report: null,
    });
  });

  it('exports int8 TFLite by default and prints the measured figures as key=value lines', () => {
    const directory = path.join(out, 'cli-default');
    const result = cliRun('export', run.id, '--project', projectDir, '--out', directory, '--calibration', '20');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('note:');
    expect(fs.readdirSync(directory).sort()).toEqual(['manifest.json', 'model_int8_float_io.tflite']);
    const report = (JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as ExportManifest)
      .tflite!;
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`directory=${directory}`);
    const values = Object.fromEntries(
      [...result.stdout.matchAll(/(?:^|\s)([a-z0-9_]+)=(\S+)/g)].map((m) => [m[1], m[2]]),
    );
    const percent = (share: number) => (100 * share).toFixed(2);
    expect(values).toMatchObject({
      model: 'model_int8_float_io.tflite',
      quantize: 'int8',
      io: 'float32',
      raw_bytes: String(report.sizes.rawBytes),
      zlib9_bytes: String(report.sizes.zlibBytes),
      zip_bytes: String(report.sizes.zipBytes),
      test_clips: String(report.testClips),
      float_accuracy: percent(report.floatAccuracy),
      model_accuracy: percent(report.modelAccuracy),
      agreement: percent(report.agreement),
      calibration_inputs: '20',
      macs: String(report.macs),
      arena_bytes: String(report.arenaBytes),
      ops: report.ops.join(','),
      front_end_ms: report.frontEndMs.toFixed(3),
      input: `float32[${report.input.shape.join(',')}]`,
      output: `float32[${report.output.shape.join(',')}]`,
    });
    // Timed only with TensorFlow Lite's interpreter configured; otherwise the line says why not.
    expect(lines.find((line) => line.startsWith('front_end_ms='))).toMatch(
      report.interpreterLatencyMs
        ? / interpreter_ms=[\d.]+ interpreter_ref_ms=[\d.]+$/
        : / interpreter_ms=none \(not measured: .+\)$/,
    );
  });

  it('exports int8 I/O with --json, the report included; the interpreter and check_tflite.py agree with it', async ({
    skip,
  }) => {
    const directory = path.join(out, 'cli-int8');
    const env: Record<string, string> = hasReferencePython ? { KWS_STUDIO_TFLITE_PYTHON: referencePython } : {};
    const result = cliRunWith(
      env,
      'export',
      run.id,
      '--format',
      'tflite',
      '--quantize',
      'int8',
      '--io',
      'int8',
      '--calibration',
      '50',
      '--project',
      projectDir,
      '--out',
      directory,
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as ExportResult;
    const report = printed.report!;
    expect(printed).toMatchObject({ runId: run.id, format: 'tflite', directory, warnings: [] });
    expect(printed.files.map((file) => file.path).sort()).toEqual(['manifest.json', 'model_int8.tflite']);
    await expectSaneReport(report, path.join(directory, 'model_int8.tflite'), {
      quantize: 'int8',
      io: 'int8',
      calibration: 50,
      forRun: run,
    });
    expect(
      (JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as ExportManifest).tflite,
    ).toEqual(report);
    if (!hasReferencePython)
      return skip(`${referencePythonMissing}: TensorFlow Lite's interpreter did not check the model`);
    expect(report.interpreterLatencyMs!.default).toBeGreaterThan(0);
    expect(report.latencyNote).toMatch(/^TensorFlow Lite 2\.\d+\.\d+ interpreter/);

    // The run's own test inputs, as the CLI writes them for outside tools, through TensorFlow's interpreter.
    const features = path.join(out, 'cli-int8-features');
    const exported = cliRun(
      'features',
      'export',
      '--project',
      projectDir,
      '--run',
      run.id,
      '--split',
      'test',
      '--out',
      features,
    );
    expect(exported.code, exported.stderr).toBe(0);
    if (!fs.existsSync(checkScript)) return skip(`${checkScript} is absent (set KWS_CHECK_TFLITE)`);
    const checked = spawnSync(referencePython, [checkScript, path.join(directory, 'model_int8.tflite'), features], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(checked.status, checked.stderr.slice(-2000)).toBe(0);
    const facts = Object.fromEntries(
      checked.stdout
        .trim()
        .split('\n')
        .at(-1)!
        .split(/\s+/)
        .map((pair) => pair.split('=') as [string, string]),
    );
    expect(facts).toMatchObject({
      dtype_in: 'int8',
      dtype_out: 'int8',
      n: String(report.testClips),
      raw_bytes: String(report.sizes.rawBytes),
    });
    // The report's zlib level 9 is Node's zlib (Chromium's deflate), which compresses a little differently
    // from Python's zlib.compress(data, 9) (see deploy-stream-record-facts.md): close, not equal.
    const pythonZlib = Number(facts.zlib_bytes);
    console.log(
      `zlib level 9 of ${report.modelFile}: studio (Node) ${report.sizes.zlibBytes} B, check_tflite.py (Python) ${pythonZlib} B`,
    );
    expect(Math.abs(report.sizes.zlibBytes - pythonZlib) / pythonZlib).toBeLessThan(0.02);
    // TensorFlow's kernels and the studio's int8 engine may round a near tie apart: one clip at most.
    expect(Math.abs(Number(facts.interp_acc) - 100 * report.modelAccuracy)).toBeLessThanOrEqual(
      100 / report.testClips + 0.01,
    );
  });

  it('refuses meaningless option combinations with exit 2 and a message naming them', () => {
    const directory = path.join(out, 'cli-bad');
    const exportWith = (...options: string[]) =>
      cliRun('export', run.id, '--project', projectDir, '--out', directory, ...options);
    expect(exportWith('--quantize', 'float32', '--io', 'int8')).toMatchObject({
      code: 2,
      stderr: 'kws-studio: A float32 model has float32 input and output; int8 I/O needs --quantize int8.\n',
    });
    expect(exportWith('--quantize', 'float', '--io', 'int8')).toMatchObject({ code: 2 });
    expect(exportWith('--format', 'tfjs', '--quantize', 'int8')).toMatchObject({
      code: 2,
      stderr: 'kws-studio: A TF.js model is float32 only; choose the tflite or tflm format for an int8 model.\n',
    });
    for (const calibration of ['0', '2.5', '20000']) {
      expect(exportWith('--calibration', calibration), calibration).toMatchObject({
        code: 2,
        stderr: `kws-studio: --calibration must be a whole number from 1 to 10000, got "${calibration}"\n`,
      });
    }
    expect(exportWith('--quantize', 'int4')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("'int4' is invalid"),
    });
    expect(exportWith('--io', 'uint8')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("'uint8' is invalid"),
    });
    expect(fs.existsSync(directory)).toBe(false);
    expect(stagingIn(out)).toEqual([]);
  });

  it('exits 3 for an unknown run and 2 for bad usage', () => {
    const unknown = cliRun(
      'export',
      'run-20990101-000000-abcdef',
      '--project',
      projectDir,
      '--out',
      path.join(out, 'none'),
    );
    expect(unknown).toMatchObject({ code: 3, stderr: expect.stringContaining('run-20990101-000000-abcdef') });
    expect(cliRun('export', '--project', projectDir, '--out', path.join(out, 'none'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Which run?'),
    });
    expect(
      cliRun('export', run.id, '--project', projectDir, '--out', path.join(out, 'none'), '--format', 'onnx'),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("'onnx' is invalid"),
    });
    expect(cliRun('export', run.id, '--project', projectDir)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--out'),
    });
    expect(fs.existsSync(path.join(out, 'none'))).toBe(false);
  });
});
