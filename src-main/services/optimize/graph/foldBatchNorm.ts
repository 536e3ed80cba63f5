/** An inference-mode batch norm: y = γ·(x − μ)/√(σ² + ε) + β per channel. */
export interface BatchNormParameters {
  gamma: Float32Array;
  beta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  epsilon: number;
}

/**
 * A convolution's weights with the batch norm after it folded in: per output channel, scale =
 * γ/√(σ² + ε), filter·scale and bias (b − μ)·scale + β. `channelAxis` says where the output channel
 * sits in the filter's row-major layout: 'first' for CONV_2D [out, kh, kw, in], 'last' for
 * DEPTHWISE_CONV_2D [1, kh, kw, channels]. Computed in double precision; a zero weight (pruned)
 * stays +0, never −0, so sparsity survives into the written file byte for byte.
 */
export function foldBatchNorm(
  filter: Float32Array,
  bias: Float32Array,
  channelAxis: 'first' | 'last',
  bn: BatchNormParameters,
): { filter: Float32Array; bias: Float32Array } {
  const channels = bias.length;
  const scale = Array.from(bn.gamma, (gamma, c) => gamma / Math.sqrt(bn.movingVariance[c]! + bn.epsilon));
  const perChannel = filter.length / channels;
  const folded = new Float32Array(filter.length);
  for (let i = 0; i < filter.length; i++) {
    const channel = channelAxis === 'first' ? Math.floor(i / perChannel) : i % channels;
    const value = filter[i]! * scale[channel]!;
    folded[i] = value === 0 ? 0 : value;
  }
  const foldedBias = Float32Array.from(bias, (b, c) => (b - bn.movingMean[c]!) * scale[c]! + bn.beta[c]!);
  return { filter: folded, bias: foldedBias };
}
