import { claimRun, thisProcess } from '../../src-main/services/runs/store/runOwners.ts';
import { createRandom, type Random } from '../../src-shared/random/createRandom.ts';
import type { ClassMetrics, RunStatus, RunSummary } from '../../src-shared/model/Run.ts';
import type { ModelSpec } from '../../src-shared/model/ModelSpec.ts';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { recordMetrics, type MetricPoint } from '../../src-main/services/runs/store/recordMetrics.ts';
import { setRunStatus } from '../../src-main/services/runs/store/setRunStatus.ts';
import { trainSpecHash } from '../../src-main/services/runs/store/trainSpecHash.ts';
import type { ProjectDatabase } from '../../src-main/store/openProjectDatabase.ts';
import { smallSpec } from './trainingData.ts';

export const syntheticClasses = ['_silence_', '_unknown_', 'yes', 'no', 'up'];

/** A run as the tests and the bench describe it; everything else is derived. */
export interface SyntheticRun {
  id: string;
  name: string;
  createdAt: string;
  spec: TrainSpec;
  status: RunStatus;
  valAccuracy: number;
  testAccuracy: number;
  params: number;
  gzipBytes: number;
  latencyMs: number;
  sparsity: number;
  classes?: string[];
  /** Overrides the confusion made from testAccuracy. */
  confusion?: number[][];
  sweepId?: string | null;
  /** Seconds each epoch takes in the metric times. */
  epochSeconds?: number;
}

/**
 * Writes a run the way training does — the row, per-epoch metrics through recordMetrics (train and
 * validation loss and accuracy, learning rate, epoch) and, when done, the summary and the final
 * test_accuracy / latency_ms — with a chosen id and times, so a test knows every value.
 */
export function insertSyntheticRun(db: ProjectDatabase, snapshotId: string, run: SyntheticRun): void {
  const started = Date.parse(run.createdAt) + 1000;
  db.prepare(
    `INSERT INTO runs (id, name, spec_json, spec_hash, snapshot_id, status, created_at, started_at, app_version, sweep_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'test', ?)`,
  ).run(
    run.id,
    run.name,
    JSON.stringify(run.spec),
    trainSpecHash(run.spec),
    snapshotId,
    run.status === 'queued' ? 'queued' : 'running',
    run.createdAt,
    run.status === 'queued' ? null : new Date(started).toISOString(),
    run.sweepId ?? null,
  );
  // A queued or running run has a live owner (this test), so no process takes it for abandoned.
  if (run.status === 'queued' || run.status === 'running') claimRun(db, run.id, thisProcess('a test'));
  if (run.status === 'queued') return;
  const epochs = run.status === 'done' ? run.spec.epochs : Math.max(1, Math.floor(run.spec.epochs / 2));
  const stepsPerEpoch = 25;
  const epochSeconds = run.epochSeconds ?? 10;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const progress = 1 - epoch / run.spec.epochs;
    const step = epoch * stepsPerEpoch;
    const points: MetricPoint[] = [
      { key: 'train_loss', step, value: 0.2 + progress * 1.4 },
      { key: 'train_accuracy', step, value: Math.min(1, run.valAccuracy + 0.02 - progress * 0.5) },
      { key: 'val_loss', step, value: 0.3 + progress * 1.2 },
      { key: 'val_accuracy', step, value: run.valAccuracy - progress ** 2 * (run.valAccuracy - 0.3) },
      { key: 'learning_rate', step, value: 0.001 },
      { key: 'epoch', step, value: epoch },
    ];
    recordMetrics(db, run.id, points, new Date(started + epoch * epochSeconds * 1000).toISOString());
  }
  if (run.status !== 'done') {
    setRunStatus(db, run.id, run.status, run.status === 'running' ? {} : { error: 'stopped' });
    return;
  }
  const summary = syntheticSummary(run);
  recordMetrics(
    db,
    run.id,
    [
      { key: 'test_accuracy', step: summary.steps, value: run.testAccuracy },
      { key: 'latency_ms', step: summary.steps, value: run.latencyMs },
    ],
    new Date(started + (epochs + 1) * epochSeconds * 1000).toISOString(),
  );
  setRunStatus(db, run.id, 'done', { summary });
}

/** A summary whose confusion matrix has the run's test accuracy on 20 test clips per class. */
export function syntheticSummary(run: SyntheticRun): RunSummary {
  const classes = run.classes ?? syntheticClasses;
  const confusion =
    run.confusion ??
    classes.map((_, actual) => {
      const row = classes.map(() => 0);
      const right = Math.round(20 * run.testAccuracy);
      row[actual] = right;
      row[(actual + 1) % classes.length]! += 20 - right;
      return row;
    });
  const perClass: ClassMetrics[] = classes.map((label, i) => {
    const tp = confusion[i]![i]!;
    const support = confusion[i]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, row) => sum + row[i]!, 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    return {
      label,
      precision,
      recall,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
      support,
    };
  });
  return {
    runId: run.id,
    classes,
    testAccuracy: run.testAccuracy,
    validationAccuracy: run.valAccuracy,
    perClass,
    confusion,
    model: {
      params: run.params,
      trainableParams: run.params,
      macs: run.params * 40,
      sizeBytes: run.params * 4,
      gzipBytes: run.gzipBytes,
      sparsity: run.sparsity,
    },
    latencyMs: run.latencyMs,
    trainSeconds: run.spec.epochs * (run.epochSeconds ?? 10),
    trainSamplesPerSecond: 900,
    epochs: run.spec.epochs,
    steps: run.spec.epochs * 25,
    stoppedEarly: false,
    pruning: [],
  };
}

const models = (random: Random): ModelSpec[] => [
  {
    kind: 'ds_cnn',
    firstConv: { filters: random.pick([16, 32, 64]), kernel: [10, 4], stride: [2, 2] },
    blocks: random.pick([
      [16, 16],
      [32, 32, 32],
      [64, 64, 64, 64],
    ]),
    blockKernel: [3, 3],
    widthMultiplier: random.pick([0.5, 1]),
    dropout: 0.1,
  },
  { kind: 'tiny_conv', dropout: random.pick([0, 0.2, 0.5]) },
  { kind: 'conv', dropout: 0.5 },
  { kind: 'low_latency_conv', dropout: 0.5 },
  {
    kind: 'rep_inception',
    firstConv: { filters: 32, kernel: [10, 4], stride: [2, 2] },
    blocks: [32, 32],
    branchKernels: random.pick([
      [3, 5],
      [3, 5, 9],
    ]),
    widthMultiplier: 1,
    dropout: 0.1,
  },
];

/**
 * `count` runs with specs varied the way a user's history is (model family, feature type and size,
 * optimizer, learning rate, batch size, epochs, pruning), over a year of creation times; one in ten
 * belongs to one of `sweepIds`, a few are still queued or failed.
 */
export function syntheticRuns(
  count: number,
  options: { seed?: number; sweepIds?: string[]; epochs?: [number, number] } = {},
): SyntheticRun[] {
  const random = createRandom(options.seed ?? 1);
  const base = smallSpec(10);
  const start = Date.UTC(2025, 0, 1);
  return Array.from({ length: count }, (_, i): SyntheticRun => {
    const model = random.pick(models(random));
    const spec: TrainSpec = {
      ...base,
      name: `${model.kind} #${i}`,
      seed: random.int(0, 1000),
      features: {
        ...base.features,
        type: random.pick(['mfcc', 'log-mel'] as const),
        melBins: random.pick([32, 40, 64]),
        mfccCount: random.pick([10, 13, 20, 40]),
        strideMs: random.pick([10, 20]),
      },
      model,
      optimizer:
        random.next() < 0.7
          ? { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }
          : { kind: 'sgd', momentum: 0.9, nesterov: random.next() < 0.5 },
      schedule: { kind: 'constant', rate: Number((10 ** random.uniform(-4, -2)).toPrecision(3)) },
      batchSize: random.pick([16, 32, 64, 100]),
      epochs: random.int(...(options.epochs ?? [3, 12])),
      pruning:
        random.next() < 0.3
          ? {
              kind: 'polynomial',
              initialSparsity: 0,
              finalSparsity: random.pick([0.5, 0.75, 0.9]),
              beginStep: 0,
              endStep: 1000,
              power: 3,
              frequency: 100,
            }
          : null,
    };
    const params = random.int(5_000, 500_000);
    const roll = random.next();
    return {
      id: `run-synth-${String(i).padStart(6, '0')}`,
      name: spec.name!,
      createdAt: new Date(start + i * 3_000_000 + random.int(0, 1000)).toISOString(),
      spec,
      status: roll < 0.02 ? 'queued' : roll < 0.05 ? 'failed' : 'done',
      valAccuracy: Number(random.uniform(0.6, 0.99).toFixed(4)),
      testAccuracy: Number(random.uniform(0.6, 0.99).toFixed(4)),
      params,
      gzipBytes: Math.round(params * random.uniform(1.5, 3.8)),
      latencyMs: Number(random.uniform(0.5, 20).toFixed(3)),
      sparsity: spec.pruning
        ? spec.pruning.kind === 'polynomial'
          ? spec.pruning.finalSparsity
          : spec.pruning.sparsity
        : 0,
      sweepId: options.sweepIds?.length && random.next() < 0.1 ? random.pick(options.sweepIds) : null,
    };
  });
}
