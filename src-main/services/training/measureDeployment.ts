import type { DeployStats } from '../../../src-shared/model/Run.ts';
import type { DeploySpec, TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { Split } from '../../../src-shared/training/planDataset.ts';
import { buildShipModel, deployStatsOf } from '../export/ship/buildShipModel.ts';
import { readTfjsGraph } from '../optimize/graph/readTfjsGraph.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import { balancedSubset } from './balancedSubset.ts';
import type { PreparedExamples } from './prepareExamples.ts';

/**
 * At the end of a run whose spec asks for it (`deploy`): the int8 TFLite model of the TF.js model the
 * run just saved, calibrated on a balanced subset of its training clips and measured on its test
 * clips — the inputs already in memory, normalized as evaluation fed them — the same way an export
 * makes and measures it.
 */
export async function measureDeployment(options: {
  tf: TensorflowModule;
  spec: TrainSpec & { deploy: DeploySpec };
  examples: PreparedExamples;
  /** Every split's examples normalized, in plan order. */
  inputs: Record<Split, Float32Array[]>;
  modelJsonPath: string;
  macs: number;
}): Promise<DeployStats> {
  const { tf, spec, examples, inputs } = options;
  const { plan } = examples;
  const clips = (split: Split) =>
    plan.items[split].flatMap((item, index) => (item.clipId === null ? [] : [{ classIndex: item.classIndex, index }]));
  const calibration = balancedSubset(clips('train'), spec.deploy.calibration).map((item) => inputs.train[item.index]!);
  const split = (['test', 'validation', 'train'] as const).find((name) => clips(name).length > 0) ?? 'test';
  const evaluation = clips(split);
  const built = await buildShipModel(tf, {
    graph: readTfjsGraph(options.modelJsonPath),
    quantize: 'int8',
    io: spec.deploy.io,
    calibration,
    evaluation: {
      split,
      inputs: evaluation.map((item) => inputs[split][item.index]!),
      truth: evaluation.map((item) => item.classIndex),
    },
    macs: options.macs,
    features: spec.features,
  });
  return deployStatsOf(built.report);
}
