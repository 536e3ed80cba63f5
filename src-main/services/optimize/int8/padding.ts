import type { Padding } from '../graph/DeployGraph.ts';

/** One spatial dimension of a window op: output size and the padding before the first input. */
export interface WindowDimension {
  output: number;
  padBefore: number;
}

/**
 * TFLite's ComputeOutSize and ComputePaddingWithOffset (dilation 1): SAME gives ceil(in / stride)
 * outputs and puts the odd padding element after, VALID pads nothing.
 */
export function windowDimension(input: number, filter: number, stride: number, padding: Padding): WindowDimension {
  const output =
    padding === 'same' ? Math.floor((input + stride - 1) / stride) : Math.floor((input - filter + stride) / stride);
  const total = Math.max(0, (output - 1) * stride + filter - input);
  return { output, padBefore: padding === 'same' ? Math.floor(total / 2) : 0 };
}

/** Checks an op's output tensor has the size TFLite would give it, naming the op when it does not. */
export function expectDimension(layer: string, what: string, actual: number | undefined, expected: number): void {
  if (actual !== expected)
    throw new Error(
      `int8 engine: op "${layer}" has ${what} ${actual ?? 'missing'}, TFLite's arithmetic gives ${expected}`,
    );
}
