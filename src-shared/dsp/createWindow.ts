import type { WindowFunction } from '../model/FeatureSpec.ts';

/**
 * A window of `length` samples. Periodic by default (the DFT-even form librosa and tf.signal use for
 * spectral analysis: the symmetric window of length + 1 without its last sample).
 */
export function createWindow(kind: WindowFunction, length: number, periodic = true): Float64Array {
  if (!Number.isInteger(length) || length < 1)
    throw new RangeError(`window length must be a positive integer, got ${length}`);
  const window = new Float64Array(length);
  const denominator = periodic ? length : length - 1;
  for (let n = 0; n < length; n++) {
    const phase = denominator === 0 ? 0 : (2 * Math.PI * n) / denominator;
    switch (kind) {
      case 'hann':
        window[n] = 0.5 - 0.5 * Math.cos(phase);
        break;
      case 'hamming':
        window[n] = 0.54 - 0.46 * Math.cos(phase);
        break;
      case 'blackman':
        window[n] = 0.42 - 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase);
        break;
      case 'rectangular':
        window[n] = 1;
        break;
    }
  }
  return window;
}
