import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DeployStats, RunSummary } from '../../../src-shared/model/Run.ts';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import { createRandom } from '../../../src-shared/random/createRandom.ts';
import { SPLITS, type DatasetPlan, type Split } from '../../../src-shared/training/planDataset.ts';
import { saveTfjsModel } from '../export/saveTfjsModel.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import { evaluateClassifier } from './evaluateClassifier.ts';
import { evaluateModel } from './evaluateModel.ts';
import { measureLatency } from './measureLatency.ts';
import { reparameterize, type KwsModel } from './models/buildModel.ts';
import type { PreparedExamples } from './prepareExamples.ts';
import type { ReportProgress } from './progressReporter.ts';
import type { RunRecorder } from './RunRecorder.ts';
import { measureDeployment } from './measureDeployment.ts';
import { NORMALIZATION_ARTIFACT, NORMALIZATION_FILE, writeRunNormalization } from '../runs/runNormalization.ts';
import type { PredictionRow } from '../runs/store/savePredictions.ts';
import type { TrainedModel } from './trainLoop.ts';

export interface FinishRunOptions {
  tf: TensorflowModule;
  runId: string;
  spec: TrainSpec;
  runDir: string;
  examples: PreparedExamples;
  trained: TrainedModel;
  recorder: RunRecorder;
  progress: ReportProgress;
}

/**
 * The end of a run: the best weights back in the model, pruning made permanent, a Rep-InceptionNeXt
 * merged into its single-branch form; then test metrics, every clip's prediction, the TF.js model
 * in the run's `model/` folder, model statistics and latency, recorded with the summary it returns.
 * Disposes the model, the pruner and the best weights.
 */
export async function finishRun(options: FinishRunOptions): Promise<RunSummary> {
  const { tf, spec, examples, recorder } = options;
  const { plan, maker, shape, raw, validation, test, latencyItem } = examples;
  const { model, pruner, state, best, stoppedEarly } = options.trained;
  options.progress({ message: 'Testing and exporting the model' });
  if (best) {
    model.setWeights(best);
    tf.dispose([...best.values()]);
  }
  const pruning = pruner ? pruner.report().layers.map((layer) => ({ name: layer.name, sparsity: layer.sparsity })) : [];
  pruner?.strip();
  const final = spec.model.kind === 'rep_inception' ? reparameterize(tf, model) : model;
  const testResult = evaluateModel(tf, final, test, plan.items.test, shape);
  const validationResult = validation.length
    ? evaluateModel(tf, final, validation, plan.items.validation, shape)
    : null;
  const scored = evaluateClassifier(
    plan.classes,
    plan.items.test.map((item) => item.classIndex),
    testResult.predicted,
  );
  // From the raw features, normalized as the other splits: `trainStatic` holds them before normalization.
  const train = raw.train.map((features) => maker.finish(features.slice(), false, createRandom(0)));
  recorder.predictions(predictionRows(tf, final, plan, { train, validation, test }, shape));

  const saved = await saveTfjsModel(final, path.join(options.runDir, 'model'));
  for (const file of saved) recorder.artifact(file.kind, path.join('model', file.path), file.bytes);
  // Dataset statistics travel with the model: its inputs cannot be made again without them.
  if (spec.features.normalization === 'dataset' && maker.stats) {
    recorder.artifact(NORMALIZATION_ARTIFACT, NORMALIZATION_FILE, writeRunNormalization(options.runDir, maker.stats));
  }
  const weightsBytes = Buffer.concat(
    saved
      .filter((file) => file.kind === 'tfjs-weights')
      .map((file) => fs.readFileSync(path.join(options.runDir, 'model', file.path))),
  );
  const stats = final.stats();
  let deploy: DeployStats | undefined;
  if (spec.deploy) {
    options.progress({ message: 'Making and measuring the int8 TFLite model' });
    deploy = await measureDeployment({
      tf,
      spec: { ...spec, deploy: spec.deploy },
      examples,
      inputs: { train, validation, test },
      modelJsonPath: path.join(options.runDir, 'model', saved.find((file) => file.kind === 'tfjs-model')!.path),
      macs: stats.macs,
    });
  }
  const sparsity = kernelSparsity(final);
  const latencyMs = measureLatency(tf, final, maker, latencyItem, shape);

  const summary: RunSummary = {
    runId: options.runId,
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
    ...(deploy ? { deploy } : {}),
  };
  recorder.metrics([
    { key: 'test_accuracy', step: state.step, value: summary.testAccuracy },
    { key: 'latency_ms', step: state.step, value: latencyMs },
  ]);
  recorder.done(summary);
  if (final !== model) final.dispose();
  model.dispose();
  pruner?.dispose();
  return summary;
}

/** Each clip's prediction in every split (`_silence_` examples have no clip and no row). */
function predictionRows(
  tf: TensorflowModule,
  model: KwsModel,
  plan: DatasetPlan,
  features: Record<Split, Float32Array[]>,
  shape: [number, number, 1],
): PredictionRow[] {
  return SPLITS.flatMap((split) => {
    const items = plan.items[split];
    const { predicted, probabilities } = evaluateModel(tf, model, features[split], items, shape);
    return items.flatMap((item, i) =>
      item.clipId === null
        ? []
        : [
            {
              clipId: item.clipId,
              split,
              label: item.label,
              predicted: plan.classes[predicted[i]!]!,
              confidence: probabilities[i]![predicted[i]!]!,
              probabilities: probabilities[i]!,
            },
          ],
    );
  });
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
