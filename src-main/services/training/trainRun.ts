import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRandom, hashSeed, type Random } from '../../../src-shared/random/createRandom.ts';
import { resample } from '../../../src-shared/dsp/resample.ts';
import { learningRateAt } from '../../../src-shared/training/learningRateAt.ts';
import { pruningEffect, type PruningEffect } from '../../../src-shared/training/pruningEffect.ts';
import { runLength } from '../../../src-shared/training/runLength.ts';
import { FeatureStatsAccumulator } from '../../../src-shared/dsp/normalizeFeatures.ts';
import type { RunSummary, TrainingProgress } from '../../../src-shared/model/Run.ts';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import { FeatureCache } from '../features/FeatureCache.ts';
import { featureSpecHash } from '../features/featureSpecHash.ts';
import { decodeClipAudio } from '../project/clipAudioStore.ts';
import { audioPath } from '../project/projectLayout.ts';
import { loadTensorflow, type TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import { saveTfjsModel } from '../export/saveTfjsModel.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpointStore.ts';
import { createOptimizer } from './createOptimizer.ts';
import type { Optimizer } from './Optimizer.ts';
import { evaluateClassifier } from './evaluateClassifier.ts';
import { ExampleMaker } from './ExampleMaker.ts';
import { buildModel, reparameterize, type KwsModel } from './models/buildModel.ts';
import { planDataset, SPLITS, type DatasetItem, type Split } from '../../../src-shared/training/planDataset.ts';
import { createPruner, type Pruner } from './pruning/createPruner.ts';
import type { RunRecorder } from './RunRecorder.ts';
import type { RunSource } from './RunSource.ts';
import type { MetricPoint } from './runStore.ts';

type Tf = TensorflowModule;
type Tensor = ReturnType<Tf['tensor']>;

export interface TrainRunOptions {
  source: RunSource;
  recorder: RunRecorder;
  /** Continue after the last checkpoint instead of starting over. */
  resume: boolean;
  onProgress(progress: TrainingProgress): void;
  signal: AbortSignal;
}

/** What a checkpoint's meta.json holds: enough to continue exactly where the epoch ended. */
interface CheckpointMeta {
  epoch: number;
  step: number;
  best: number | null;
  bestEpoch: number;
  sinceBest: number;
  trainSeconds: number;
  samplesSeen: number;
}

/** Most step-level loss points one run stores (a 30,000-step run keeps one every 15 steps). */
const STEP_LOSS_POINTS = 2000;

export class TrainingCancelled extends Error {
  constructor() {
    super('Training was cancelled; it can be resumed from its last checkpoint.');
  }
}

/**
 * Trains one run to the end: data from its snapshot, the model, the optimizer loop with schedule,
 * accumulation, pruning, per-epoch validation, checkpoints and early stopping; then test metrics,
 * per-clip predictions, the exported TF.js model, model statistics and latency. Runs inside a
 * worker process; everything it learns goes to its recorder as it goes, files to the run's folder.
 */
export async function trainRun(options: TrainRunOptions): Promise<RunSummary> {
  const { source, recorder, signal } = options;
  const { runId, spec, clips, layout } = source;
  const { tf, tensorflowVersion } = await loadTensorflow();
  const runDir = path.join(layout.runs, runId);
  const checkpointDir = path.join(runDir, 'checkpoint');
  fs.mkdirSync(runDir, { recursive: true });
  const progress = (fields: Partial<TrainingProgress> & { message: string }) =>
    options.onProgress({ runId, status: 'running', epoch: 0, epochs: 0, step: 0, steps: 0, loss: null, accuracy: null, samplesPerSecond: null, etaSeconds: null, ...fields });

  recorder.started(tensorflowVersion);
  const clipById = new Map(clips.map((clip) => [clip.clipId, clip]));
  const fileOf = (clipId: number) => audioPath(layout, clipById.get(clipId)!.hash, clipById.get(clipId)!.ext);
  const plan = planDataset(clips, spec.data, spec.seed);
  const noise = await Promise.all(plan.noise.map(async (clip) => toRate(await decodeClipAudio(clip.clipId, fileOf(clip.clipId)), spec.features.sampleRate)));
  const audio = new Map<number, Float32Array>();
  const maker = new ExampleMaker(spec.features, spec.data, audio, noise);
  const shape = [maker.frames, maker.bins, 1] as [number, number, 1];
  const featureSize = maker.frames * maker.bins;

  // A clip's plain features come from the project's feature cache (what the Library and earlier runs
  // computed); only misses, and clips training augments, need their audio decoded.
  const cache = new FeatureCache(layout.featureCache);
  const cacheSpecHash = featureSpecHash({ ...spec.features, normalization: 'none' });
  const cached = new Map<number, Float32Array>();
  for (const split of SPLITS) {
    for (const item of plan.items[split]) {
      if (item.clipId === null || cached.has(item.clipId)) continue;
      const hit = cache.get(clipById.get(item.clipId)!.hash, cacheSpecHash);
      if (hit && hit.frames === maker.frames && hit.bins === maker.bins) cached.set(item.clipId, hit.data);
    }
  }
  const needAudio = new Set<number>();
  for (const split of SPLITS) {
    for (const item of plan.items[split]) {
      if (item.clipId !== null && (!cached.has(item.clipId) || (split === 'train' && maker.augmentsAudio))) needAudio.add(item.clipId);
    }
  }
  // The latency measurement runs the whole path, audio included, on one clip.
  const latencyItem = plan.items.test.find((item) => item.clipId !== null) ?? plan.items.train.find((item) => item.clipId !== null)!;
  needAudio.add(latencyItem.clipId!);
  await loadAudio(fileOf, spec, [...needAudio], audio, (done, total) => progress({ message: `Loading audio ${done}/${total}` }), signal);

  // Validation and test examples never change; training ones only with augmentation.
  progress({ message: 'Computing features' });
  const staticRandom = (split: Split, index: number) => createRandom(hashSeed(spec.seed, 'static', split, index));
  const raw: Record<Split, Float32Array[]> = { train: [], validation: [], test: [] };
  for (const split of SPLITS) {
    raw[split] = plan.items[split].map((item, index) => {
      if (item.clipId === null) return maker.rawFeatures(item, false, staticRandom(split, index));
      let features = cached.get(item.clipId);
      if (!features) {
        features = maker.rawFeatures(item, false, staticRandom(split, index));
        cache.put(clipById.get(item.clipId)!.hash, cacheSpecHash, { frames: maker.frames, bins: maker.bins, data: features });
        cached.set(item.clipId, features);
      }
      return features;
    });
  }
  const cacheStatus = cache.status();
  progress({ message: `Features ready (${cacheStatus.hits} from the cache, ${cacheStatus.misses} computed)` });
  if (spec.features.normalization === 'dataset') {
    const accumulator = new FeatureStatsAccumulator(maker.bins);
    for (const features of raw.train) accumulator.add(features, maker.frames);
    maker.stats = accumulator.result();
  }
  const ready = (split: Split) => raw[split].map((features) => maker.finish(features.slice(), false, createRandom(0)));
  const validation = ready('validation');
  const test = ready('test');
  const trainStatic = maker.augmentsAudio ? null : raw.train;

  const model = buildModel(tf, spec.model, shape, plan.classes.length, spec.seed);
  const optimizer = createOptimizer(tf, spec.optimizer);
  const resumed = options.resume ? loadCheckpoint<CheckpointMeta>(tf, checkpointDir) : null;
  const kernels = model.prunable.map((variable) => ({ name: variable.name, variable }));
  const { batchesPerEpoch, totalSteps, epochs } = runLength(plan.items.train.length, spec);
  // Pruning timed as shares of the run becomes steps here, once the run's length is known.
  const pruningPlan = spec.pruning ? pruningEffect(spec.pruning, totalSteps) : null;
  const pruner: Pruner | null = pruningPlan ? createPruner(tf, pruningPlan.steps, kernels, resumed ? { masks: savedMasks(resumed.tensors) } : {}) : null;
  const prunedFully = pruningPlan ? finalMaskStep(pruningPlan) : null;

  let state: CheckpointMeta = { epoch: -1, step: 0, best: null, bestEpoch: -1, sinceBest: 0, trainSeconds: 0, samplesSeen: 0 };
  if (resumed) {
    restore(model, optimizer, resumed.tensors);
    tf.dispose([...resumed.tensors.values()]);
    state = resumed.meta;
    recorder.truncateMetrics(state.step);
  } else if (options.resume) {
    // No checkpoint yet: the run starts over, without what its first attempt recorded of its first epoch.
    recorder.truncateMetrics(-1);
  }
  // A resumed run keeps the best weights of its earlier epochs.
  let best = options.resume ? (loadCheckpoint<CheckpointMeta>(tf, path.join(runDir, 'best'))?.tensors ?? null) : null;
  let stoppedEarly = false;

  // The step-level loss curve a finished run keeps: the mean loss of every `stepLossEvery` optimizer
  // steps, at most STEP_LOSS_POINTS a run, stored with the epoch's other metrics.
  const stepLossEvery = Math.max(1, Math.ceil(totalSteps / STEP_LOSS_POINTS));
  for (let epoch = state.epoch + 1; epoch < epochs && state.step < totalSteps; epoch++) {
    const random = createRandom(hashSeed(spec.seed, 'epoch', epoch));
    const stepLoss: MetricPoint[] = [];
    let windowLoss = 0;
    let windowSeen = 0;
    const order = epochOrder(plan.items.train, spec.data.balance, plan.classes.length, random);
    const started = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let accumulated: Tensor[] | null = null;
    let accumulatedBatches = 0;
    let lastReport = 0;
    for (let batch = 0; batch < batchesPerEpoch && state.step < totalSteps; batch++) {
      // Yield so the cancel message (and queued progress) get through: the step itself is synchronous.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) throw new TrainingCancelled();
      const indices = order.slice(batch * spec.batchSize, (batch + 1) * spec.batchSize);
      const xs = new Float32Array(indices.length * featureSize);
      indices.forEach((index, row) => {
        const item = plan.items.train[index]!;
        const features = trainStatic ? trainStatic[index]!.slice() : maker.rawFeatures(item, true, random);
        xs.set(maker.finish(features, true, random), row * featureSize);
      });
      const labels = indices.map((index) => plan.items.train[index]!.classIndex);
      // tfmot counts optimizer updates from 1.
      if (accumulatedBatches === 0) pruner?.beforeStep(state.step + 1);
      const { loss, hits, gradients } = trainStep(tf, model, spec, xs, labels, shape, hashSeed(spec.seed, 'dropout', state.step, batch));
      lossSum += loss * indices.length;
      windowLoss += loss * indices.length;
      windowSeen += indices.length;
      correct += hits;
      seen += indices.length;
      const sums: Tensor[] = accumulated ? addInto(accumulated, gradients) : gradients;
      accumulated = sums;
      accumulatedBatches++;
      if (accumulatedBatches === spec.gradientAccumulation || batch === batchesPerEpoch - 1) {
        const count = accumulatedBatches;
        const averaged = count === 1 ? sums : sums.map((sum) => { const mean = sum.div(count); sum.dispose(); return mean; });
        optimizer.apply(model.trainable, averaged, learningRateAt(spec.schedule, state.step, totalSteps));
        averaged.forEach((gradient) => gradient.dispose());
        pruner?.afterUpdate(state.step + 1);
        accumulated = null;
        accumulatedBatches = 0;
        state.step++;
        if (state.step % stepLossEvery === 0) {
          stepLoss.push({ key: 'step_loss', step: state.step, value: windowLoss / windowSeen });
          windowLoss = 0;
          windowSeen = 0;
        }
      }
      const now = performance.now();
      if (now - lastReport > 400) {
        lastReport = now;
        const samplesPerSecond = seen / ((now - started) / 1000);
        progress({
          epoch, epochs, step: state.step, steps: totalSteps, loss: lossSum / seen, accuracy: correct / seen, samplesPerSecond,
          etaSeconds: ((totalSteps - state.step) * spec.batchSize * spec.gradientAccumulation) / samplesPerSecond,
          message: `Epoch ${epoch + 1}/${epochs}`,
        });
      }
    }
    const seconds = (performance.now() - started) / 1000;
    state.trainSeconds += seconds;
    state.samplesSeen += seen;
    const evaluation = validation.length ? evaluate(tf, model, validation, plan.items.validation, shape) : null;
    const points: MetricPoint[] = [
      { key: 'train_loss', step: state.step, value: lossSum / seen },
      { key: 'train_accuracy', step: state.step, value: correct / seen },
      { key: 'learning_rate', step: state.step, value: learningRateAt(spec.schedule, Math.max(0, state.step - 1), totalSteps) },
      { key: 'samples_per_s', step: state.step, value: seen / seconds },
      { key: 'epoch', step: state.step, value: epoch + 1 },
      ...stepLoss,
    ];
    if (evaluation) points.push({ key: 'val_loss', step: state.step, value: evaluation.loss }, { key: 'val_accuracy', step: state.step, value: evaluation.accuracy });
    if (pruner) points.push({ key: 'sparsity', step: state.step, value: pruner.report().sparsity });
    recorder.metrics(points);

    // Early stopping and the best weights follow the validation metric (training loss without one).
    // With pruning, only weights at the final sparsity count: weights kept from before would be pruned
    // at the end without the training that lets a network recover from it.
    const metric = spec.earlyStopping?.metric ?? 'val_accuracy';
    const value = evaluation ? (metric === 'val_loss' ? evaluation.loss : evaluation.accuracy) : lossSum / seen;
    const higherIsBetter = evaluation ? metric === 'val_accuracy' : false;
    const minDelta = spec.earlyStopping?.minDelta ?? 0;
    const eligible = prunedFully === null || state.step >= prunedFully;
    const improved = eligible && (state.best === null || (higherIsBetter ? value > state.best + minDelta : value < state.best - minDelta));
    if (!eligible) {
      // Pruning is still under way: nothing to compare yet.
    } else if (improved) {
      state.best = value;
      state.bestEpoch = epoch;
      state.sinceBest = 0;
      if (best) tf.dispose([...best.values()]);
      best = model.getWeights();
      saveCheckpoint(path.join(runDir, 'best'), best, state);
    } else state.sinceBest++;
    state.epoch = epoch;
    const masks = (pruner?.exportMasks() ?? []).map(({ name, mask }): [string, Tensor] => [`pruning/${name}`, tf.tensor1d(Float32Array.from(mask))]);
    const weights = model.getWeights();
    const optimizerState = optimizer.state();
    saveCheckpoint(checkpointDir, new Map([...weights, ...prefixed('optimizer/', optimizerState), ...masks]), state);
    tf.dispose([...weights.values(), ...optimizerState.values(), ...masks.map(([, tensor]) => tensor)]);
    recorder.checkpoint(epoch);
    progress({
      epoch, epochs, step: state.step, steps: totalSteps, loss: lossSum / seen, accuracy: correct / seen, samplesPerSecond: seen / seconds, etaSeconds: null,
      message: `Epoch ${epoch + 1}/${epochs}: ${evaluation ? `validation accuracy ${(evaluation.accuracy * 100).toFixed(1)} %` : `loss ${(lossSum / seen).toFixed(3)}`}`,
    });
    if (spec.earlyStopping && state.sinceBest > spec.earlyStopping.patience) {
      stoppedEarly = true;
      break;
    }
  }

  progress({ message: 'Testing and exporting the model' });
  if (best) {
    model.setWeights(best);
    tf.dispose([...best.values()]);
  }
  const pruning = pruner ? pruner.report().layers.map((layer) => ({ name: layer.name, sparsity: layer.sparsity })) : [];
  pruner?.strip();
  const final = spec.model.kind === 'rep_inception' ? reparameterize(tf, model) : model;
  const testResult = evaluate(tf, final, test, plan.items.test, shape);
  const validationResult = validation.length ? evaluate(tf, final, validation, plan.items.validation, shape) : null;
  const scored = evaluateClassifier(plan.classes, plan.items.test.map((item) => item.classIndex), testResult.predicted);
  recorder.predictions(predictionRows(tf, final, plan, { train: trainStatic ?? raw.train.map((f) => maker.finish(f.slice(), false, createRandom(0))), validation, test }, shape));

  const modelDir = path.join(runDir, 'model');
  for (const file of await saveTfjsModel(final, modelDir)) recorder.artifact(file.kind, path.join('model', file.path), file.bytes);
  const weightsBytes = Buffer.concat(fs.readdirSync(modelDir).filter((file) => file.endsWith('.bin')).map((file) => fs.readFileSync(path.join(modelDir, file))));
  const stats = final.stats();
  const sparsity = kernelSparsity(final);
  const latencyMs = measureLatency(tf, final, maker, latencyItem, shape);

  const summary: RunSummary = {
    runId,
    classes: plan.classes,
    testAccuracy: scored.accuracy,
    validationAccuracy: validationResult?.accuracy ?? 0,
    perClass: scored.perClass,
    confusion: scored.confusion,
    model: { ...stats, gzipBytes: gzipSync(weightsBytes).length, sparsity },
    latencyMs,
    trainSeconds: state.trainSeconds,
    trainSamplesPerSecond: state.samplesSeen / Math.max(1e-9, state.trainSeconds),
    epochs: state.epoch + 1,
    steps: state.step,
    stoppedEarly,
    bestEpoch: (best ? state.bestEpoch : state.epoch) + 1,
    pruning,
  };
  recorder.metrics([
    { key: 'test_accuracy', step: state.step, value: summary.testAccuracy },
    { key: 'latency_ms', step: state.step, value: latencyMs },
  ]);
  recorder.done(summary);
  if (final !== model) final.dispose();
  model.dispose();
  optimizer.dispose();
  pruner?.dispose();
  return summary;
}

/** One forward and backward pass: mean loss, correct predictions and the gradients of `trainable`. */
function trainStep(tf: Tf, model: KwsModel, spec: TrainSpec, xs: Float32Array, labels: number[], shape: [number, number, 1], seed: number) {
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, [labels.length, ...shape]);
    const y = smoothedOneHot(tf, labels, model.classes, spec.labelSmoothing);
    let predicted: Tensor | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(x, true, seed);
      predicted = tf.keep(logits.argMax(-1));
      let loss = tf.losses.softmaxCrossEntropy(y, logits) as ReturnType<Tf['scalar']>;
      if (spec.l2 > 0) loss = loss.add(tf.addN(model.prunable.map((kernel) => kernel.square().sum())).mul(spec.l2));
      return loss;
    }, model.trainable);
    const hitCount = tf.equal(predicted!, tf.tensor1d(labels, 'int32')).sum().dataSync()[0]!;
    (predicted as Tensor | null)?.dispose();
    const gradients = model.trainable.map((variable) => tf.keep(grads[variable.name]!));
    return { loss: value.dataSync()[0]!, hits: hitCount, gradients };
  });
}

/** Adds `gradients` to `sums`, disposing both inputs. */
function addInto(sums: Tensor[], gradients: Tensor[]): Tensor[] {
  return sums.map((sum, i) => {
    const next = sum.add(gradients[i]!);
    sum.dispose();
    gradients[i]!.dispose();
    return next;
  });
}

function smoothedOneHot(tf: Tf, labels: number[], classes: number, smoothing: number): Tensor {
  const values = new Float32Array(labels.length * classes).fill(smoothing / classes);
  labels.forEach((label, row) => (values[row * classes + label] = 1 - smoothing + smoothing / classes));
  return tf.tensor2d(values, [labels.length, classes]);
}

/** Batched inference: mean loss, accuracy and the predicted class and probabilities of each example. */
function evaluate(tf: Tf, model: KwsModel, features: Float32Array[], items: DatasetItem[], shape: [number, number, 1]) {
  const batch = 256;
  const size = shape[0] * shape[1];
  const predicted = new Int32Array(items.length);
  const probabilities: Float32Array[] = [];
  let lossSum = 0;
  for (let start = 0; start < items.length; start += batch) {
    const end = Math.min(items.length, start + batch);
    const xs = new Float32Array((end - start) * size);
    for (let i = start; i < end; i++) xs.set(features[i]!, (i - start) * size);
    const [probs, loss] = tf.tidy(() => {
      const logits = model.apply(tf.tensor4d(xs, [end - start, ...shape]), false);
      const y = tf.oneHot(tf.tensor1d(items.slice(start, end).map((item) => item.classIndex), 'int32'), model.classes);
      return [tf.softmax(logits).dataSync() as Float32Array, tf.losses.softmaxCrossEntropy(y, logits).dataSync()[0]!] as const;
    });
    lossSum += loss * (end - start);
    for (let i = start; i < end; i++) {
      const row = probs.slice((i - start) * model.classes, (i - start + 1) * model.classes);
      probabilities.push(row);
      predicted[i] = row.indexOf(Math.max(...row));
    }
  }
  const correct = items.reduce((sum, item, i) => sum + (item.classIndex === predicted[i] ? 1 : 0), 0);
  return { loss: items.length ? lossSum / items.length : 0, accuracy: items.length ? correct / items.length : 0, predicted, probabilities };
}

function predictionRows(tf: Tf, model: KwsModel, plan: ReturnType<typeof planDataset>, features: Record<Split, Float32Array[]>, shape: [number, number, 1]) {
  return SPLITS.flatMap((split) => {
    const items = plan.items[split];
    const { predicted, probabilities } = evaluate(tf, model, features[split], items, shape);
    return items.flatMap((item, i) =>
      item.clipId === null
        ? []
        : [{ clipId: item.clipId, split, label: item.label, predicted: plan.classes[predicted[i]!]!, confidence: probabilities[i]![predicted[i]!]!, probabilities: probabilities[i]! }],
    );
  });
}

/** Indices of the training items in this epoch's order; 'oversample' draws each class equally often. */
function epochOrder(items: DatasetItem[], balance: 'none' | 'oversample', classes: number, random: Random): number[] {
  if (balance === 'none') return random.shuffle(items.map((_, index) => index));
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  items.forEach((item, index) => byClass[item.classIndex]!.push(index));
  const present = byClass.filter((indices) => indices.length > 0);
  const perClass = Math.ceil(items.length / present.length);
  return random.shuffle(present.flatMap((indices) => Array.from({ length: perClass }, (_, i) => (i < indices.length ? indices[i]! : random.pick(indices)))));
}

async function loadAudio(
  fileOf: (clipId: number) => string,
  spec: TrainSpec,
  ids: number[],
  into: Map<number, Float32Array>,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<void> {
  for (const [index, clipId] of ids.entries()) {
    if (signal.aborted) throw new TrainingCancelled();
    into.set(clipId, toRate(await decodeClipAudio(clipId, fileOf(clipId)), spec.features.sampleRate));
    if (index % 200 === 0) onProgress(index, ids.length);
  }
}

function toRate(decoded: { mono: Float32Array; sampleRate: number }, rate: number): Float32Array {
  return decoded.sampleRate === rate ? decoded.mono : resample(decoded.mono, decoded.sampleRate, rate);
}

function prefixed(prefix: string, tensors: ReadonlyMap<string, Tensor>): [string, Tensor][] {
  return [...tensors].map(([name, tensor]) => [`${prefix}${name}`, tensor]);
}

function checkpointPart(tensors: ReadonlyMap<string, Tensor>, prefix: string): Map<string, Tensor> {
  return new Map([...tensors].filter(([name]) => name.startsWith(prefix)).map(([name, tensor]) => [name.slice(prefix.length), tensor]));
}

function restore(model: KwsModel, optimizer: Optimizer, tensors: ReadonlyMap<string, Tensor>): void {
  model.setWeights(new Map([...tensors].filter(([name]) => !name.startsWith('optimizer/') && !name.startsWith('pruning/'))));
  optimizer.setState(checkpointPart(tensors, 'optimizer/'));
}

function savedMasks(tensors: ReadonlyMap<string, Tensor>) {
  return [...checkpointPart(tensors, 'pruning/')].map(([name, tensor]) => ({ name, mask: Uint8Array.from(tensor.dataSync()) }));
}

/** Share of exactly-zero weights over the prunable kernels. */
function kernelSparsity(model: KwsModel): number {
  let zeros = 0;
  let total = 0;
  for (const kernel of model.prunable) {
    const values = kernel.dataSync();
    total += values.length;
    for (const value of values) if (value === 0) zeros++;
  }
  return total ? zeros / total : 0;
}

/** Features + model for one clip at batch 1: the median of 100 runs after 10 warm-ups. */
function measureLatency(tf: Tf, model: KwsModel, maker: ExampleMaker, item: DatasetItem, shape: [number, number, 1]): number {
  const random = createRandom(1);
  const audio = maker.audioOf(item, false, random);
  const times: number[] = [];
  for (let run = 0; run < 110; run++) {
    const started = performance.now();
    const features = maker.finish(maker.rawFeaturesOfAudio(audio), false, random);
    tf.tidy(() => model.apply(tf.tensor4d(features, [1, ...shape]), false).dataSync());
    if (run >= 10) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * The optimizer step after which the masks hold their final sparsity: a constant schedule's first
 * update, a polynomial one's last inside the run; null when no update falls inside it.
 */
function finalMaskStep(effect: PruningEffect): number | null {
  if (effect.updates === 0) return null;
  return effect.steps.kind === 'constant' ? effect.firstUpdate : effect.lastUpdate;
}
