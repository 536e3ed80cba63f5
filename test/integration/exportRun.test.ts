import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { featureGeometry } from '../../src-shared/dsp/featureGeometry.ts';
import type { ExportManifest } from '../../src-shared/model/ExportBundle.ts';
import type { RunDetail, TrainingProgress } from '../../src-shared/model/Run.ts';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { createServices, type StudioServices } from '../../src-main/services/createServices.ts';
import { loadTensorflow } from '../../src-main/services/tensorflow/loadTensorflow.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-export-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'words');
const out = path.join(dir, 'out');
const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');

/** Clip normalization: everything a device needs to compute the input travels in the bundle. */
const spec = (epochs: number): TrainSpec => ({
  ...smallSpec(epochs),
  features: { ...smallSpec(epochs).features, normalization: 'clip' },
});

let studio: StudioServices;
let client: ServiceTable;
let run: RunDetail;
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
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, KWS_STUDIO_HOME: home },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
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
  fs.mkdirSync(out);
}, 300_000);

afterAll(() => studio?.dispose());

describe('the export service', () => {
  it('lists its formats', async () => {
    const formats = await client.export.formats();
    expect(formats.map((format) => format.format)).toEqual(['tfjs']);
    expect(formats[0]!.files).toContain('manifest.json');
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

  it('warns, in the result, the manifest and the CLI, that dataset normalization statistics do not travel', async () => {
    // smallSpec normalizes with training-split statistics.
    const started = await client.training.startRun({ spec: { ...smallSpec(1), name: 'dataset-normalized' } });
    const end = await untilSettled(started.id);
    expect(end.status, end.message).toBe('done');
    const expected = `Run ${started.id} normalizes features with statistics of its training split, which the run does not record`;

    const result = await client.export.exportRun({
      runId: started.id,
      format: 'tfjs',
      directory: path.join(out, 'dataset'),
    });
    expect(result.warnings).toEqual([expect.stringContaining(expected)]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'dataset', 'manifest.json'), 'utf8')) as ExportManifest;
    expect(manifest.warnings).toEqual(result.warnings);
    expect(manifest.features.normalization).toBe('dataset');
    expect((await client.export.exportFiles({ runId: started.id, format: 'tfjs' })).warnings).toEqual(result.warnings);

    const printed = cliRun('export', started.id, '--project', projectDir, '--out', path.join(out, 'dataset-cli'));
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stderr).toContain(`note: ${expected}`);
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
});

describe('kws-studio export', () => {
  it('writes the bundle, prints what it wrote and exits 0', () => {
    const directory = path.join(out, 'cli');
    const result = cliRun('export', run.id, '--project', projectDir, '--out', directory);
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
    const taken = cliRun('export', '--run', run.id, '--project', projectDir, '--out', 'out/cli', '--json');
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(
      new RegExp(
        `^kws-studio: ${path.join(out, 'cli').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} already holds 3 files .*--force`,
      ),
    );
    const forced = cliRun('export', '--run', run.id, '--project', projectDir, '--out', 'out/cli', '--force', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({
      runId: run.id,
      format: 'tfjs',
      directory: path.join(out, 'cli'),
      warnings: [],
    });
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
