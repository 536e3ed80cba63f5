import type { AddOp } from '../graph/DeployGraph.ts';
import { multiplyByQuantizedMultiplierSmallerThanOneExp } from './fixedPoint.ts';
import type { Int8Kernel, Int8Quantization } from './Int8Kernel.ts';
import { activationRangeInt8, quantizeMultiplier } from './quantizedMultiplier.ts';

/** TFLite's int8 ADD works on inputs shifted left by 20 bits, rescaled to twice the larger input scale. */
const LEFT_SHIFT = 20;

/**
 * ADD int8 of two same-shape tensors (reference_integer_ops::Add): each input, minus its zero point
 * and shifted left 20 bits, is rescaled to 2·max(input scales); the sum is rescaled to the output,
 * offset, and clamped to the fused activation. Multipliers as add.cc's Prepare computes them.
 */
export function prepareAdd(
  op: AddOp,
  size: number,
  first: Int8Quantization,
  second: Int8Quantization,
  output: Int8Quantization,
): Int8Kernel {
  const twiceMaxInputScale = 2 * Math.max(first.scale, second.scale);
  const firstRescale = quantizeMultiplier(first.scale / twiceMaxInputScale);
  const secondRescale = quantizeMultiplier(second.scale / twiceMaxInputScale);
  // (1 << 20) · output scale is a float product in C++, exact since it only changes the exponent.
  const outputRescale = quantizeMultiplier(twiceMaxInputScale / (2 ** LEFT_SHIFT * output.scale));
  for (const [what, rescale] of [
    ['first input', firstRescale],
    ['second input', secondRescale],
    ['output', outputRescale],
  ] as const) {
    if (rescale.shift > 0)
      throw new Error(`int8 engine: op "${op.layer}" has an ${what} rescale above 1, which TFLite's ADD rejects`);
  }
  const [actMin, actMax] = activationRangeInt8(op.activation, output.scale, output.zeroPoint);
  const firstZeroPoint = first.zeroPoint;
  const secondZeroPoint = second.zeroPoint;
  const outputZeroPoint = output.zeroPoint;
  const shiftFactor = 2 ** LEFT_SHIFT;
  return (tensors) => {
    const a = tensors[op.inputs[0]]!;
    const b = tensors[op.inputs[1]]!;
    const y = tensors[op.output]!;
    for (let i = 0; i < size; i++) {
      const scaledA = multiplyByQuantizedMultiplierSmallerThanOneExp(
        (a[i]! - firstZeroPoint) * shiftFactor,
        firstRescale.multiplier,
        firstRescale.shift,
      );
      const scaledB = multiplyByQuantizedMultiplierSmallerThanOneExp(
        (b[i]! - secondZeroPoint) * shiftFactor,
        secondRescale.multiplier,
        secondRescale.shift,
      );
      let v =
        multiplyByQuantizedMultiplierSmallerThanOneExp(
          (scaledA + scaledB) | 0,
          outputRescale.multiplier,
          outputRescale.shift,
        ) + outputZeroPoint;
      v = v < actMin ? actMin : v > actMax ? actMax : v;
      y[i] = v;
    }
  };
}
