import path from 'node:path';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import { createRandom, hashSeed } from '../../../src-shared/random/createRandom.ts';
import { learningRateAt } from '../../../src-shared/training/learningRateAt.ts';
import { pruningEffect, type PruningEffect } from '../../../src-shared/training/pruningEffect.ts';
import { runLength } from '../../../src-shared/training/runLength.ts';
import { createPruner, type Pruner } from '../optimize/createPruner.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpointStore.ts';
import { createOptimizer } from './createOptimizer.ts';
import { epochOrder } from './epochOrder.ts';
import { evaluateModel } from './evaluateModel.ts';
import { restoreLoopCheckpoint, saveLoopCheckpoint, savedMasks, type LoopState } from './loopCheckpoint.ts';
import { buildModel, type KwsModel } from './models/buildModel.ts';
import type { PreparedExamples } from './prepareExamples.ts';
import type { ReportProgress } from './progressReporter.ts';
import type { RunRecorder } from './RunRecorder.ts';
import type { MetricPoint } from '../runs/store/recordMetrics.ts';
import { trainStep } from './trainStep.ts';
import { TrainingCancelled } from './TrainingCancelled.ts';

type Tensor = ReturnType<TensorflowModule['tensor']>;

/** Most step-level loss points one run stores (a 30,000-step run keeps one every 15 steps). */
const STEP_LOSS_POINTS = 2000;

export interface TrainLoopOptions {
  tf: TensorflowModule;
  spec: TrainSpec;
  /** The run's folder: `checkpoint/` (the last epoch) and `best/` (the best one) go here. */
  runDir: string;
  examples: PreparedExamples;
  /** Continue after the last checkpoint instead of starting over. */
  resume: boolean;
  recorder: RunRecorder;
  progress: ReportProgress;
  signal: AbortSignal;
}

/** What the loop leaves for the end of the run, which disposes the model, the pruner and `best`. */
export interface TrainedModel {
  model: KwsModel;
  pruner: Pruner | null;
  state: LoopState;
  /** The best epoch's weights, or null when no epoch counted (see the early-stopping note below). */
  best: Map<string, Tensor> | null;
  stoppedEarly: boolean;
}

/**
 * Trains the model: optimizer updates with the learning-rate schedule, gradient accumulation and
 * pruning steps; after each epoch, validation, metrics, the best weights, a checkpoint and the
 * early-stopping test. A resumed run continues from its last checkpoint.
 */
export async function trainLoop(options: TrainLoopOptions): Promise<TrainedModel> {
  const { tf, spec, examples, recorder, progress, signal } = options;
  const { plan, maker, shape, validation, trainStatic } = examples;
  const checkpointDir = path.join(options.runDir, 'checkpoint');
  const featureSize = shape[0] * shape[1];

  const model = buildModel(tf, spec.model, shape, plan.classes.length, spec.seed);
  const optimizer = createOptimizer(tf, spec.optimizer);
  const resumed = options.resume ? loadCheckpoint<LoopState>(tf, checkpointDir) : null;
  const kernels = model.prunable.map((variable) => ({ name: variable.name, variable }));
  const { batchesPerEpoch, totalSteps, epochs } = runLength(plan.items.train.length, spec);
  // Pruning timed as shares of the run becomes steps here, once the run's length is known.
  const pruningPlan = spec.pruning ? pruningEffect(spec.pruning, totalSteps) : null;
  const pruner = pruningPlan
    ? createPruner(tf, pruningPlan.steps, kernels, resumed ? { masks: savedMasks(resumed.tensors) } : {})
    : null;
  const prunedFully = pruningPlan ? finalMaskStep(pruningPlan) : null;

  let state: LoopState = {
    epoch: -1,
    step: 0,
    best: null,
    bestEpoch: -1,
    sinceBest: 0,
    trainSeconds: 0,
    samplesSeen: 0,
  };
  if (resumed) {
    restoreLoopCheckpoint(model, optimizer, resumed.tensors);
    tf.dispose([...resumed.tensors.values()]);
    state = resumed.meta;
    recorder.truncateMetrics(state.step);
  } else if (options.resume) {
    // No checkpoint yet: the run starts over, without what its first attempt recorded of its first epoch.
    recorder.truncateMetrics(-1);
  }
  // A resumed run keeps the best weights of its earlier epochs.
  let best = options.resume
    ? (loadCheckpoint<LoopState>(tf, path.join(options.runDir, 'best'))?.tensors ?? null)
    : null;
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
      const { loss, hits, gradients } = trainStep(
        tf,
        model,
        spec,
        xs,
        labels,
        shape,
        hashSeed(spec.seed, 'dropout', state.step, batch),
      );
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
        const averaged =
          count === 1
            ? sums
            : sums.map((sum) => {
                const mean = sum.div(count);
                sum.dispose();
                return mean;
              });
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
          epoch,
          epochs,
          step: state.step,
          steps: totalSteps,
          loss: lossSum / seen,
          accuracy: correct / seen,
          samplesPerSecond,
          etaSeconds: ((totalSteps - state.step) * spec.batchSize * spec.gradientAccumulation) / samplesPerSecond,
          message: `Epoch ${epoch + 1}/${epochs}`,
        });
      }
    }
    const seconds = (performance.now() - started) / 1000;
    state.trainSeconds += seconds;
    state.samplesSeen += seen;
    const evaluation = validation.length ? evaluateModel(tf, model, validation, plan.items.validation, shape) : null;
    const points: MetricPoint[] = [
      { key: 'train_loss', step: state.step, value: lossSum / seen },
      { key: 'train_accuracy', step: state.step, value: correct / seen },
      {
        key: 'learning_rate',
        step: state.step,
        value: learningRateAt(spec.schedule, Math.max(0, state.step - 1), totalSteps),
      },
      { key: 'samples_per_s', step: state.step, value: seen / seconds },
      { key: 'epoch', step: state.step, value: epoch + 1 },
      ...stepLoss,
    ];
    if (evaluation)
      points.push(
        { key: 'val_loss', step: state.step, value: evaluation.loss },
        { key: 'val_accuracy', step: state.step, value: evaluation.accuracy },
      );
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
    const improved =
      eligible &&
      (state.best === null || (higherIsBetter ? value > state.best + minDelta : value < state.best - minDelta));
    if (!eligible) {
      // Pruning is still under way: nothing to compare yet.
    } else if (improved) {
      state.best = value;
      state.bestEpoch = epoch;
      state.sinceBest = 0;
      if (best) tf.dispose([...best.values()]);
      best = model.getWeights();
      saveCheckpoint(path.join(options.runDir, 'best'), best, state);
    } else state.sinceBest++;
    state.epoch = epoch;
    saveLoopCheckpoint(tf, checkpointDir, model, optimizer, pruner, state);
    recorder.checkpoint(epoch);
    progress({
      epoch,
      epochs,
      step: state.step,
      steps: totalSteps,
      loss: lossSum / seen,
      accuracy: correct / seen,
      samplesPerSecond: seen / seconds,
      etaSeconds: null,
      message: `Epoch ${epoch + 1}/${epochs}: ${evaluation ? `validation accuracy ${(evaluation.accuracy * 100).toFixed(1)} %` : `loss ${(lossSum / seen).toFixed(3)}`}`,
    });
    if (spec.earlyStopping && state.sinceBest > spec.earlyStopping.patience) {
      stoppedEarly = true;
      break;
    }
  }
  optimizer.dispose();
  return { model, pruner, state, best, stoppedEarly };
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

/**
 * The optimizer step after which the masks hold their final sparsity: a constant schedule's first
 * update, a polynomial one's last inside the run; null when no update falls inside it.
 */
function finalMaskStep(effect: PruningEffect): number | null {
  if (effect.updates === 0) return null;
  return effect.steps.kind === 'constant' ? effect.firstUpdate : effect.lastUpdate;
}
