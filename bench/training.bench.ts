import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FeatureStatsAccumulator } from '../src-shared/dsp/normalizeFeatures.ts';
import { createRandom } from '../src-shared/random/createRandom.ts';
import type { TrainSpec } from '../src-shared/model/TrainSpec.ts';
import { parseTrainSpec } from '../src-shared/contract/trainSpecSchema.ts';
import { appVersion } from '../src-main/services/appVersion.ts';
import { decodeClipAudio, clipAudioRecord } from '../src-main/services/project/clipAudioStore.ts';
import { createProject } from '../src-main/services/project/createProject.ts';
import { importFolder } from '../src-main/services/project/importFolder.ts';
import type { OpenProject } from '../src-main/services/project/ProjectSession.ts';
import { ExampleMaker } from '../src-main/services/training/ExampleMaker.ts';
import { planDataset, SPLITS } from '../src-shared/training/planDataset.ts';
import { createRun } from '../src-main/services/runs/store/createRun.ts';
import { createSnapshot } from '../src-main/services/runs/store/createSnapshot.ts';
import { getRun } from '../src-main/services/runs/store/getRun.ts';
import { snapshotClips } from '../src-main/services/runs/store/snapshotClips.ts';
import { TrainingRunner } from '../src-main/services/training/TrainingRunner.ts';
import { recordBenchmark } from './recordBenchmark.ts';
import { repoRoot } from './repoRoot.ts';

const fsddDir = path.join(process.env.KWS_SHARED_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data'), 'fsdd-dev');
const recipe = () =>
  parseTrainSpec(
    JSON.parse(fs.readFileSync(path.join(repoRoot, 'bench', 'fsdd-ds-cnn.spec.json'), 'utf8')),
    'bench/fsdd-ds-cnn.spec.json',
  );

interface Outcome {
  testAccuracy: number;
  samplesPerSecond: number;
  params: number;
  seconds: number;
}

/**
 * `npm run bench -- training`: our DS-CNN and the identical Keras model trained on the same FSDD
 * features with the same batch size; samples/s over the epochs after the first (warm-up) on each side.
 */
export async function runTrainingBench(): Promise<void> {
  await compare('training', 8, (ours, keras) => [
    `training_vs_keras=${(ours.samplesPerSecond / keras.samplesPerSecond).toFixed(2)}`,
  ]);
}

/**
 * `npm run bench -- accuracy`: the full FSDD recipe (bench/fsdd-ds-cnn.spec.json) on the dataset's
 * own split (takes 0–4 test, 5–9 validation, the rest train), ours and Keras.
 */
export async function runAccuracyBench(): Promise<void> {
  await compare('accuracy', undefined, (ours, keras) => [
    `fsdd_acc_delta=${((ours.testAccuracy - keras.testAccuracy) * 100).toFixed(2)}`,
  ]);
}

async function compare(
  name: string,
  epochs: number | undefined,
  verdict: (ours: Outcome, keras: Outcome) => string[],
): Promise<void> {
  if (!fs.existsSync(fsddDir)) {
    console.log(
      `skipped: ${fsddDir} is absent (the shared FSDD sample sits beside the checkout; set KWS_SHARED_DATA to point elsewhere)`,
    );
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kws-bench-${name}-`));
  try {
    const spec: TrainSpec = { ...recipe(), ...(epochs ? { epochs } : {}) };
    const project = await fsddProject(path.join(dir, 'project'));
    const dataDir = path.join(dir, 'data');
    const counts = await exportFeatures(project, spec, dataDir);
    const ours = await trainOurs(project, spec);
    const keras = trainKeras(spec, dataDir);
    const lines = [
      `data: FSDD, ${counts.train} train / ${counts.validation} validation / ${counts.test} test clips, features ${counts.frames} × ${counts.bins} (${spec.features.type}), batch ${spec.batchSize}, ${spec.epochs} epochs, ${os.availableParallelism()} cores`,
      `model: ${spec.model.kind}, ${ours.params.toLocaleString('en-US')} parameters (Keras: ${keras.params.toLocaleString('en-US')})`,
      `ours (tfjs-node ${tfjsVersion()}, native TensorFlow): ${ours.samplesPerSecond.toFixed(0)} samples/s, test accuracy ${(ours.testAccuracy * 100).toFixed(2)} %, ${ours.seconds.toFixed(1)} s training`,
      `Keras (TensorFlow ${keras.version}, ${keras.threads}): ${keras.samplesPerSecond.toFixed(0)} samples/s, test accuracy ${(keras.testAccuracy * 100).toFixed(2)} %, ${keras.seconds.toFixed(1)} s training`,
      ...verdict(ours, keras),
    ];
    for (const line of lines) console.log(line);
    recordBenchmark(
      name,
      `npm run bench -- ${name}`,
      name === 'training'
        ? `Training throughput: samples/s over every epoch after the first, both on the same exported features and batch size.\n\n${lines.map((line) => `- ${line}`).join('\n')}`
        : `Accuracy of the same recipe (bench/fsdd-ds-cnn.spec.json) trained by the studio and by Keras on FSDD's own split; both keep the weights of the best validation epoch.\n\n${lines.map((line) => `- ${line}`).join('\n')}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** FSDD in a fresh project with the dataset's own split, set through an import manifest. */
export async function fsddProject(target: string): Promise<OpenProject> {
  const project = createProject(target, 'FSDD bench');
  const files = fs
    .readdirSync(fsddDir)
    .filter((file) => file.endsWith('.wav'))
    .sort();
  const rows = files.map((file) => {
    const [digit, speaker, take] = file.slice(0, -4).split('_');
    const split = Number(take) < 5 ? 'test' : Number(take) < 10 ? 'validation' : 'train';
    return `${path.join(fsddDir, file)},${digit},${speaker},${split}`;
  });
  const manifest = path.join(path.dirname(target), 'fsdd.csv');
  fs.writeFileSync(manifest, `path,label,speaker,split\n${rows.join('\n')}\n`);
  await importFolder(project, fsddDir, { layout: { kind: 'manifest', manifest } });
  return project;
}

/** The features our trainer sees (the recipe has no audio augmentation), in bench/keras_training.py's format. */
async function exportFeatures(project: OpenProject, spec: TrainSpec, dir: string) {
  const plan = planDataset(snapshotClips(project.db, createSnapshot(project.db)), spec.data, spec.seed);
  const audio = new Map<number, Float32Array>();
  for (const split of SPLITS) {
    for (const item of plan.items[split]) {
      if (item.clipId === null || audio.has(item.clipId)) continue;
      const decoded = await decodeClipAudio(item.clipId, clipAudioRecord(project, item.clipId).file);
      if (decoded.sampleRate !== spec.features.sampleRate)
        throw new Error('the bench recipe expects FSDD at its own 8 kHz');
      audio.set(item.clipId, decoded.mono);
    }
  }
  const maker = new ExampleMaker(spec.features, spec.data, audio, []);
  if (maker.augmentsAudio || maker.augmentsFeatures)
    throw new Error('the bench recipe must not augment, so both sides see the same data');
  fs.mkdirSync(dir, { recursive: true });
  const raw = (item: (typeof plan.items.train)[number]) => maker.rawFeatures(item, false, createRandom(0));
  if (spec.features.normalization === 'dataset') {
    // The same statistics the trainer computes: over the training split's features.
    const accumulator = new FeatureStatsAccumulator(maker.bins);
    for (const item of plan.items.train) accumulator.add(raw(item), maker.frames);
    maker.stats = accumulator.result();
  }
  const counts: Record<string, number> = {};
  for (const split of SPLITS) {
    const items = plan.items[split];
    const xs = new Float32Array(items.length * maker.frames * maker.bins);
    items.forEach((item, i) => xs.set(maker.finish(raw(item), false, createRandom(0)), i * maker.frames * maker.bins));
    fs.writeFileSync(path.join(dir, `${split}_x.f32`), Buffer.from(xs.buffer));
    fs.writeFileSync(
      path.join(dir, `${split}_y.i32`),
      Buffer.from(Int32Array.from(items, (item) => item.classIndex).buffer),
    );
    counts[split] = items.length;
  }
  fs.writeFileSync(
    path.join(dir, 'meta.json'),
    JSON.stringify({ classes: plan.classes, frames: maker.frames, bins: maker.bins, splits: counts }),
  );
  return {
    train: counts.train!,
    validation: counts.validation!,
    test: counts.test!,
    frames: maker.frames,
    bins: maker.bins,
  };
}

/** A real run, as the studio runs it: its own worker process, metrics in SQLite. */
async function trainOurs(project: OpenProject, spec: TrainSpec): Promise<Outcome> {
  const runId = createRun(project.db, spec, createSnapshot(project.db), appVersion);
  const runner = new TrainingRunner(() => {});
  const outcome = await runner.start(project.layout.root, runId, false);
  if (outcome.status !== 'done') throw new Error(`our run ${outcome.status}: ${outcome.message}`);
  const run = getRun(project.db, runId)!;
  const rates = run.metrics.samples_per_s!.map((point) => point.value).slice(1);
  return {
    testAccuracy: run.summary!.testAccuracy,
    samplesPerSecond: rates.reduce((sum, value) => sum + value, 0) / rates.length,
    params: run.summary!.model.params,
    seconds: run.summary!.trainSeconds,
  };
}

/**
 * Keras with TensorFlow's default threading and with one compute thread; the faster of the two is
 * the peer (on 2 cores, one thread is the faster one, by about a quarter).
 */
function trainKeras(spec: TrainSpec, dataDir: string): Outcome & { version: string; threads: string } {
  execFileSync('bash', [path.join(repoRoot, 'scripts', 'reference', 'setup-venv.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const runs = [trainKerasOnce(spec, dataDir, []), trainKerasOnce(spec, dataDir, ['--threads', '1'])];
  const [slow, fast] = runs[0]!.samplesPerSecond > runs[1]!.samplesPerSecond ? [runs[1]!, runs[0]!] : runs;
  console.log(
    `Keras ${slow === runs[0] ? 'default threads' : 'one thread'}: ${slow!.samplesPerSecond.toFixed(0)} samples/s (the slower setting, not used)`,
  );
  return { ...fast!, threads: fast === runs[0] ? 'default threads' : 'one thread' };
}

function trainKerasOnce(spec: TrainSpec, dataDir: string, extra: string[]): Outcome & { version: string } {
  const specFile = path.join(dataDir, 'spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const output = execFileSync(
    path.join(repoRoot, '.venv-ref', 'bin', 'python'),
    [path.join(repoRoot, 'bench', 'keras_training.py'), '--data', dataDir, '--spec', specFile, '--quiet', ...extra],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 2 ** 20,
    },
  );
  const result = JSON.parse(output.trim().split('\n').at(-1)!) as {
    tensorflow: string;
    params: number;
    samplesPerSecond: number;
    epochSeconds: number[];
    testAccuracy: number;
  };
  return {
    testAccuracy: result.testAccuracy,
    samplesPerSecond: result.samplesPerSecond,
    params: result.params,
    seconds: result.epochSeconds.reduce((sum, value) => sum + value, 0),
    version: result.tensorflow,
  };
}

function tfjsVersion(): string {
  return (
    JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'node_modules', '@tensorflow', 'tfjs-node', 'package.json'), 'utf8'),
    ) as { version: string }
  ).version;
}
