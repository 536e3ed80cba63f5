import type { QuantizedWeights } from './QuantizedGraph.ts';
import { roundHalfAwayFromZero } from './roundHalfAwayFromZero.ts';

/** TF's converter treats a channel's |w| below this as this (its smallest weight range is 1e-6 wide). */
const MIN_MAX_ABS = 5e-7;
/** TF's converter keeps |bias| / bias scale at most 2^30, raising the channel's weight scale if needed. */
const MAX_BIAS_QUANTIZED = 2 ** 30;

/**
 * Symmetric per-channel int8 weights and their int32 bias (TFLite's quantization spec): each output
 * channel's scale is max|w| / 127, weights round into [−127, 127] with zero point 0; the bias scale is
 * input scale × weight scale and the bias rounds to int32 with zero point 0. As TF's converter does,
 * a channel whose bias would not fit (weights near zero, e.g. pruned away, next to a real bias) gets
 * a larger weight scale, so the bias stays exact and the weights (tiny anyway) go coarser.
 *
 * `shape` is the weights' TFLite shape; channels run along `channelAxis` (0 for CONV_2D and
 * FULLY_CONNECTED, 3 for DEPTHWISE_CONV_2D).
 */
export function quantizeWeights(
  weights: Float32Array,
  shape: readonly number[],
  channelAxis: number,
  bias: Float32Array,
  inputScale: number,
): QuantizedWeights {
  const channels = shape[channelAxis]!;
  // Elements between consecutive values of the channel index in row-major order.
  const stride = shape.slice(channelAxis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / stride) % channels;

  const maxAbs = new Float64Array(channels);
  weights.forEach((w, i) => {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(w));
  });
  const input = Math.fround(inputScale);
  const scales = new Float32Array(channels);
  const biasScales = new Float32Array(channels);
  const quantizedBias = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    let scale = Math.max(maxAbs[c]!, MIN_MAX_ABS) / 127;
    const biasLimit = Math.abs(bias[c]!) / (input * MAX_BIAS_QUANTIZED);
    if (scale < biasLimit) scale = biasLimit;
    scales[c] = scale;
    // Bias scale from the float32 scales the file stores, as the interpreter checks it.
    biasScales[c] = input * scales[c]!;
    quantizedBias[c] = roundHalfAwayFromZero(bias[c]! / biasScales[c]!);
  }
  const values = new Int8Array(weights.length);
  weights.forEach((w, i) => {
    values[i] = Math.max(-127, Math.min(127, roundHalfAwayFromZero(w / scales[channelOf(i)]!)));
  });
  return { values, scales, bias: quantizedBias, biasScales, channelAxis };
}
