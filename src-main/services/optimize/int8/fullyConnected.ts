import type { FullyConnectedOp } from '../graph/DeployGraph.ts';
import type { QuantizedWeights } from '../quantize/QuantizedGraph.ts';
import { multiplyByQuantizedMultiplier, roundHalfAwayFromZero } from './fixedPoint.ts';
import type { Int8Kernel, Int8Quantization } from './Int8Kernel.ts';
import { activationRangeInt8 } from './quantizedMultiplier.ts';
import { perChannelMultipliers } from './convolution.ts';
import { expectDimension } from './padding.ts';

/**
 * How FULLY_CONNECTED rescales its accumulator. TF 2.21's reference kernel (BUILTIN_REF) does it in
 * double: round(acc · input·weight/output scale); TFLite Micro and the optimized kernels use the
 * integer MultiplyByQuantizedMultiplier. The two differ by one step on rare ties.
 */
export type FullyConnectedRescale = 'double' | 'integer';

/** FULLY_CONNECTED int8, per-channel weights [out, in]: acc = Σ w·(x − x_zp) + bias, rescaled, clamped. */
export function prepareFullyConnected(
  op: FullyConnectedOp,
  weights: QuantizedWeights,
  inputSize: number,
  outputSize: number,
  input: Int8Quantization,
  output: Int8Quantization,
  rescale: FullyConnectedRescale,
): Int8Kernel {
  const [units, depth] = op.weightsShape;
  expectDimension(op.layer, 'input size', inputSize, depth);
  expectDimension(op.layer, 'output size', outputSize, units);
  const { multipliers, shifts } = perChannelMultipliers(input, weights, output);
  const effectiveScales = Float64Array.from(weights.scales, (scale) => (input.scale * scale) / output.scale);
  const [actMin, actMax] = activationRangeInt8(op.activation, output.scale, output.zeroPoint);
  const matrix = weights.values;
  const bias = weights.bias;
  const inputZeroPoint = input.zeroPoint;
  const outputZeroPoint = output.zeroPoint;
  const shifted = new Int32Array(depth);
  return (tensors) => {
    const x = tensors[op.input]!;
    const y = tensors[op.output]!;
    for (let i = 0; i < depth; i++) shifted[i] = x[i]! - inputZeroPoint;
    for (let u = 0; u < units; u++) {
      let acc = 0;
      const row = u * depth;
      for (let i = 0; i < depth; i++) acc += matrix[row + i]! * shifted[i]!;
      acc = (acc + bias[u]!) | 0;
      let v =
        (rescale === 'double'
          ? roundHalfAwayFromZero(acc * effectiveScales[u]!)
          : multiplyByQuantizedMultiplier(acc, multipliers[u]!, shifts[u]!)) + outputZeroPoint;
      v = v < actMin ? actMin : v > actMax ? actMax : v;
      y[u] = v;
    }
  };
}
