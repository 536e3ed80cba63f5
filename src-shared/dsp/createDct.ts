/**
 * DCT-II of `inputSize` values, keeping the first `outputSize` coefficients, as a precomputed matrix.
 * 'ortho' is the orthonormal form (scipy norm='ortho', librosa's MFCC). 'tensorflow' is tf.signal's
 * MFCC scale: the unnormalized 2·Σ x·cos(…) times 1/√(2N) for every coefficient, so c0 is √2 larger.
 */
export type DctNorm = 'ortho' | 'tensorflow';

export function createDct(inputSize: number, outputSize: number, norm: DctNorm): Float64Array {
  if (outputSize > inputSize) throw new RangeError(`cannot keep ${outputSize} DCT coefficients of ${inputSize} inputs`);
  const matrix = new Float64Array(outputSize * inputSize);
  for (let k = 0; k < outputSize; k++) {
    const scale = norm === 'ortho' ? Math.sqrt((k === 0 ? 1 : 2) / inputSize) : 2 / Math.sqrt(2 * inputSize);
    for (let n = 0; n < inputSize; n++) {
      matrix[k * inputSize + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * inputSize));
    }
  }
  return matrix;
}

/** librosa's sinusoidal lifter weights 1 + (L/2)·sin(π(n+1)/L) for n = 0 … count−1. */
export function createLifter(count: number, lifter: number): Float64Array {
  return Float64Array.from({ length: count }, (_, n) => 1 + (lifter / 2) * Math.sin((Math.PI * (n + 1)) / lifter));
}
