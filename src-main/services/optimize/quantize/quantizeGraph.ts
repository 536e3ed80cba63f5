import type { DeployGraph } from '../graph/DeployGraph.ts';
import type { TensorRange } from '../graph/runGraphFloat.ts';
import type { QuantizedGraph, QuantizedWeights, TensorQuantization } from './QuantizedGraph.ts';
import { activationQuantization } from './activationQuantization.ts';
import { quantizeWeights } from './quantizeWeights.ts';

/** SOFTMAX's int8 output is fixed by the spec (TFLite's kernel refuses anything else). */
export const SOFTMAX_OUTPUT: TensorQuantization = { scale: 1 / 256, zeroPoint: -128 };

/**
 * Full-integer post-training quantization of a DeployGraph from calibrated activation ranges (the
 * `ranges` of runGraphFloat over representative inputs, indexed by tensor id), following what TF
 * 2.21's converter writes for the same model:
 * - every activation per tensor from its own calibrated range (fused ReLU outputs: the post-activation
 *   range, which is what runGraphFloat records), including ADD and MEAN outputs;
 * - RESHAPE and MAX_POOL_2D outputs take their input's scale and zero point (they move values, and
 *   TFLite's kernels copy int8 values unchanged);
 * - SOFTMAX output 1/256, −128;
 * - weights int8 per output channel, bias int32 at input scale × weight scale.
 * Deterministic: the same graph and ranges give the same bytes.
 */
export function quantizeGraph(
  graph: DeployGraph,
  ranges: readonly TensorRange[],
  calibrationInputs: number,
): QuantizedGraph {
  if (!(calibrationInputs > 0))
    throw new Error(
      'no calibration inputs: int8 quantization sets each activation range from representative inputs, give at least one',
    );
  if (ranges.length !== graph.tensors.length)
    throw new Error(`got ${ranges.length} calibrated ranges for a graph of ${graph.tensors.length} tensors`);
  const activations = graph.tensors.map((tensor, id) => {
    const range = ranges[id]!;
    if (!Number.isFinite(range.min) || !Number.isFinite(range.max) || range.min > range.max)
      throw new Error(
        `tensor ${tensor.name} has no usable calibrated range (min ${range.min}, max ${range.max}): ` +
          (Number.isFinite(range.min) || Number.isFinite(range.max)
            ? 'calibration produced invalid values'
            : 'no calibration input reached it'),
      );
    return activationQuantization(range);
  });
  for (const op of graph.ops) {
    if (op.kind === 'reshape' || op.kind === 'max_pool2d') activations[op.output] = { ...activations[op.input]! };
    else if (op.kind === 'softmax') activations[op.output] = { ...SOFTMAX_OUTPUT };
  }
  const weights = graph.ops.map((op): QuantizedWeights | null => {
    switch (op.kind) {
      case 'conv2d':
        return quantizeWeights(op.filter, op.filterShape, 0, op.bias, activations[op.input]!.scale);
      case 'depthwise_conv2d':
        return quantizeWeights(op.filter, op.filterShape, 3, op.bias, activations[op.input]!.scale);
      case 'fully_connected':
        return quantizeWeights(op.weights, op.weightsShape, 0, op.bias, activations[op.input]!.scale);
      default:
        return null;
    }
  });
  return { graph, activations, weights, calibrationInputs };
}
