import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInputsExport } from '../../src-shared/contract/FeatureService.ts';
import type { TrainingProgress } from '../../src-shared/model/Run.ts';
import { createServices, type StudioServices } from '../../src-main/services/createServices.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { runModelInputs, type RunModelInputs } from '../../src-main/services/training/runModelInputs.ts';
import { insertSyntheticRun } from '../support/syntheticRuns.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const repo = path.resolve(import.meta.dirname, '..', '..');
const dir = tempDir('kws-features-export-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'words');
const out = path.join(dir, 'out');
const cli = path.join(repo, 'bin', 'kws-studio.js');
/** TensorFlow's reference Python (scripts/reference/setup-venv.sh), as the other reference checks find it. */
const python = process.env.KWS_REF_PYTHON ?? path.join(repo, '.venv-ref', 'bin', 'python');

let studio: StudioServices;
let runId: string;
let testInputs: RunModelInputs;

function cliRun(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, KWS_STUDIO_HOME: home },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Reads a float32 NPY v1.0 file by its header, as numpy would: shape and values. */
function readNpy(file: string): { shape: number[]; values: Float32Array } {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('\x93NUMPY\x01\x00');
  const headerEnd = 10 + bytes.readUInt16LE(8);
  expect(headerEnd % 64).toBe(0);
  const header = bytes.subarray(10, headerEnd).toString('latin1');
  const match = /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(([\d, ]+)\), \} *\n$/.exec(header);
  expect(match, header).not.toBeNull();
  const shape = match![1]!.split(',').map((part) => Number(part.trim()));
  const data = bytes.subarray(headerEnd);
  const values = new Float32Array(data.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = data.readFloatLE(i * 4);
  return { shape, values };
}

/** The inputs as one C-order float32 array. */
function flatten(made: RunModelInputs): Float32Array {
  const size = made.shape[0] * made.shape[1];
  const flat = new Float32Array(made.inputs.length * size);
  made.inputs.forEach((input, i) => flat.set(input, i * size));
  return flat;
}

const sha256 = (values: Float32Array) =>
  createHash('sha256')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest('hex');

beforeAll(async () => {
  await createWordsProject(home, projectDir);
  studio = createServices({ home });
  await studio.services.project.open({ path: projectDir });
  const started = await studio.services.training.startRun({ spec: { ...smallSpec(4), name: 'export me' } });
  const end = await new Promise<TrainingProgress>((resolve) => {
    const off = studio.services.training.onDidProgress((event) => {
      if (event.runId === started.id && event.status !== 'running' && event.status !== 'queued') {
        off();
        resolve(event);
      }
    });
  });
  expect(end.status, end.message).toBe('done');
  runId = started.id;
  testInputs = await runModelInputs(studio.session.require(), runId, { split: 'test' });
  fs.mkdirSync(out);
}, 600_000);

afterAll(() => studio?.dispose());

describe('kws-studio features export', () => {
  it("writes the run's normalized test inputs as features.npy and labels.json, nothing else, and exits 0", () => {
    const directory = path.join(out, 'test');
    const result = cliRun('features', 'export', '--project', projectDir, '--run', runId, '--out', directory);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [frames, bins] = testInputs.shape;
    const count = testInputs.items.length;
    expect(result.stdout.trim().split('\n').slice(0, 4)).toEqual([
      `directory=${directory}`,
      `count=${count}`,
      `shape=${count}x${frames}x${bins}`,
      'normalization=dataset',
    ]);
    expect(fs.readdirSync(directory).sort()).toEqual(['features.npy', 'labels.json']);
    // Staged beside the new folder and renamed into place: nothing else is left in the parent.
    expect(fs.readdirSync(out)).toEqual(['test']);

    const npy = readNpy(path.join(directory, 'features.npy'));
    expect(npy.shape).toEqual([count, frames, bins]);
    expect(sha256(npy.values)).toBe(sha256(flatten(testInputs)));
    const labels = JSON.parse(fs.readFileSync(path.join(directory, 'labels.json'), 'utf8')) as Record<string, unknown>;
    expect(labels).toEqual({
      labels: testInputs.items.map((item) => item.label),
      classes: ['_silence_', '_unknown_', 'yes', 'no', 'up'],
      clipIds: testInputs.items.map((item) => item.clipId),
    });
    for (const line of result.stdout.trim().split('\n').slice(4)) {
      const [, name, bytes] = /^file=(\S+) bytes=(\d+)$/.exec(line)!;
      expect(fs.statSync(path.join(directory, name!)).size, name).toBe(Number(bytes));
    }
  });

  it('loads in numpy as check_tflite.py loads it, with the same shape, values and labels', (context) => {
    if (!fs.existsSync(python)) {
      context.skip(
        `no reference Python at ${python}: run bash scripts/reference/setup-venv.sh (or set KWS_REF_PYTHON)`,
      );
    }
    const directory = path.join(out, 'test');
    // check_tflite.py's loading lines, then what they read.
    const script = `
import hashlib, json, os, sys, numpy as np
fdir = sys.argv[1]
raw = np.load(os.path.join(fdir, "features.npy"))
x = raw.astype(np.float32)
lab = json.load(open(os.path.join(fdir, "labels.json")))
labels = lab["labels"] if isinstance(lab, dict) and "labels" in lab else lab
classes = lab.get("classes") if isinstance(lab, dict) else None
want = [classes.index(w) if isinstance(w, str) else w for w in labels]
print(json.dumps({"dtype": raw.dtype.str, "fortran": bool(np.isfortran(raw)), "shape": list(x.shape),
  "sha256": hashlib.sha256(np.ascontiguousarray(x).astype("<f4").tobytes()).hexdigest(), "want": want,
  "first": [float(v) for v in x[0, 0, :3]]}))
`;
    const result = spawnSync(python, ['-c', script, directory], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const read = JSON.parse(result.stdout) as {
      dtype: string;
      fortran: boolean;
      shape: number[];
      sha256: string;
      want: number[];
      first: number[];
    };
    expect(read).toEqual({
      dtype: '<f4',
      fortran: false,
      shape: [testInputs.items.length, testInputs.shape[0], testInputs.shape[1]],
      sha256: sha256(flatten(testInputs)),
      want: testInputs.items.map((item) => item.classIndex),
      first: Array.from(testInputs.inputs[0]!.subarray(0, 3)),
    });
  });

  it('refuses a folder that holds files unless --force, which replaces only its own two files', () => {
    const directory = path.join(out, 'kept');
    fs.mkdirSync(directory);
    fs.writeFileSync(path.join(directory, 'notes.txt'), 'mine');
    fs.writeFileSync(path.join(directory, 'labels.json'), 'old');
    const refused = cliRun('features', 'export', '--project', projectDir, '--run', runId, '--out', directory);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `kws-studio: ${directory} already holds 2 files (labels.json, notes.txt); choose an empty or new folder, or allow overwriting (kws-studio features export --force).\n`,
    );
    expect(fs.readFileSync(path.join(directory, 'labels.json'), 'utf8')).toBe('old');

    const forced = cliRun(
      'features',
      'export',
      '--project',
      projectDir,
      '--run',
      runId,
      '--split',
      'train',
      '--limit',
      '12',
      '--out',
      'out/kept',
      '--force',
      '--json',
    );
    expect(forced.code, forced.stderr).toBe(0);
    const result = JSON.parse(forced.stdout) as ModelInputsExport;
    expect(result).toMatchObject({
      runId,
      split: 'train',
      directory,
      count: 12,
      shape: [12, testInputs.shape[0], testInputs.shape[1]],
      classes: testInputs.classes,
      normalization: 'dataset',
    });
    expect(result.files.map((file) => file.path)).toEqual(['features.npy', 'labels.json']);
    expect(fs.readdirSync(directory).sort()).toEqual(['features.npy', 'labels.json', 'notes.txt']);
    expect(fs.readFileSync(path.join(directory, 'notes.txt'), 'utf8')).toBe('mine');
    const labels = JSON.parse(fs.readFileSync(path.join(directory, 'labels.json'), 'utf8')) as { labels: string[] };
    expect(labels.labels).toHaveLength(12);
    expect(readNpy(path.join(directory, 'features.npy')).shape).toEqual(result.shape);
  });

  it('names the run or the folder that is wrong, with an exit code that says what kind', () => {
    const fresh = path.join(out, 'never');
    const unknown = cliRun(
      'features',
      'export',
      '--project',
      projectDir,
      '--run',
      'run-20990101-000000-abcdef',
      '--out',
      fresh,
    );
    expect(unknown).toMatchObject({
      code: 3,
      stderr: 'kws-studio: Run run-20990101-000000-abcdef does not exist in this project.\n',
    });

    const db = studio.session.require().db;
    const snapshot = createSnapshot(db);
    insertSyntheticRun(db, snapshot, {
      id: 'run-still-training',
      name: 'still training',
      createdAt: '2024-01-01T00:00:00.000Z',
      spec: smallSpec(2),
      status: 'running',
      valAccuracy: 0.5,
      testAccuracy: 0.5,
      params: 1,
      gzipBytes: 1,
      latencyMs: 1,
      sparsity: 0,
    });
    expect(
      cliRun('features', 'export', '--project', projectDir, '--run', 'run-still-training', '--out', fresh),
    ).toMatchObject({
      code: 2,
      stderr: 'kws-studio: Run run-still-training is running; only a finished run has model inputs.\n',
    });

    const badSplit = cliRun(
      'features',
      'export',
      '--project',
      projectDir,
      '--run',
      runId,
      '--split',
      'dev',
      '--out',
      fresh,
    );
    expect(badSplit).toMatchObject({ code: 2, stderr: expect.stringContaining("'dev' is invalid") });
    expect(
      cliRun('features', 'export', '--project', projectDir, '--run', runId, '--limit', '0', '--out', fresh),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--limit must be a whole number from 1 to 1000000, got "0"'),
    });

    const missingParent = path.join(out, 'no', 'such');
    expect(cliRun('features', 'export', '--project', projectDir, '--run', runId, '--out', missingParent)).toMatchObject(
      {
        code: 3,
        stderr: `kws-studio: The folder ${path.dirname(missingParent)} does not exist; create it, or choose another folder.\n`,
      },
    );
    const file = path.join(out, 'a-file');
    fs.writeFileSync(file, '');
    expect(cliRun('features', 'export', '--project', projectDir, '--run', runId, '--out', file)).toMatchObject({
      code: 2,
      stderr: `kws-studio: ${file} is a file, not a folder; choose a folder for the model inputs.\n`,
    });

    // A folder this process may not write in: a read-only one, or for root (who may write anywhere) /sys.
    let unwritable: string;
    if (process.getuid?.() === 0) unwritable = '/sys/kws-features-export';
    else {
      const locked = path.join(out, 'locked');
      fs.mkdirSync(locked, { mode: 0o555 });
      unwritable = path.join(locked, 'inputs');
    }
    const refused = cliRun('features', 'export', '--project', projectDir, '--run', runId, '--out', unwritable);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `kws-studio: Cannot write in ${path.dirname(unwritable)} (permission denied); choose a folder you can write to.\n`,
    );
    expect(fs.existsSync(fresh)).toBe(false);
    expect(fs.readdirSync(out).filter((name) => name.startsWith('.kws-features-'))).toEqual([]);
  });
});
