import type { MeanOp } from '../graph/DeployGraph.ts';
import { multiplyByQuantizedMultiplier } from './fixedPoint.ts';
import type { Int8Kernel, Int8Quantization } from './Int8Kernel.ts';
import { quantizeMultiplier, type QuantizedMultiplier } from './quantizedMultiplier.ts';

/**
 * The multiplier reference_ops::QuantizedMeanOrSum uses for a mean of `count` values: input/output
 * scale quantized (reduce.cc's Prepare), then 1/count folded in as (multiplier << shift) / count
 * with shift = floor(log2 count), at most 32 and at most 31 + the multiplier's shift.
 */
export function meanMultiplier(input: Int8Quantization, output: Int8Quantization, count: number): QuantizedMultiplier {
  const base = quantizeMultiplier(input.scale / output.scale);
  let shift = Math.floor(Math.log2(count));
  while (2 ** shift > count) shift -= 1;
  while (2 ** (shift + 1) <= count) shift += 1;
  shift = Math.min(shift, 32, 31 + base.shift);
  // (int64 multiplier << shift) / count, truncated: up to 63 bits, so BigInt (once per graph).
  const multiplier = Number((BigInt(base.multiplier) << BigInt(shift)) / BigInt(count));
  return { multiplier, shift: base.shift - shift };
}

/**
 * MEAN int8 over axes [1, 2] of [1, h, w, c] → [1, c] (keep_dims false, TF 2.21's reference kernel
 * for the converter's global average pooling: QuantizedMeanOrSum): the int32 sum of the raw values
 * minus zero point · count, through MultiplyByQuantizedMultiplier, plus the output zero point.
 */
export function prepareMean(
  op: MeanOp,
  inputShape: readonly number[],
  outputSize: number,
  input: Int8Quantization,
  output: Int8Quantization,
): Int8Kernel {
  if (inputShape.length !== 4 || inputShape[0] !== 1)
    throw new Error(`int8 engine: op "${op.layer}" averages a [1, h, w, c] tensor, got [${inputShape.join(', ')}]`);
  const [, height, width, channels] = inputShape as [number, number, number, number];
  if (outputSize !== channels)
    throw new Error(`int8 engine: op "${op.layer}" has ${outputSize} outputs for ${channels} channels`);
  const count = height * width;
  const { multiplier, shift } = meanMultiplier(input, output, count);
  const zeroPointTimesCount = input.zeroPoint * count;
  const outputZeroPoint = output.zeroPoint;
  const sums = new Int32Array(channels);
  return (tensors) => {
    const x = tensors[op.input]!;
    const y = tensors[op.output]!;
    sums.fill(0);
    for (let p = 0; p < count; p++) {
      const base = p * channels;
      for (let c = 0; c < channels; c++) sums[c] = sums[c]! + x[base + c]!;
    }
    for (let c = 0; c < channels; c++) {
      let v = multiplyByQuantizedMultiplier((sums[c]! - zeroPointTimesCount) | 0, multiplier, shift) + outputZeroPoint;
      v = v < -128 ? -128 : v > 127 ? 127 : v;
      y[c] = v;
    }
  };
}
