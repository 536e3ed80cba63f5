import type { FeatureStats } from '../model/FeatureSpec.ts';

/** Standard deviations below this are treated as this, so a constant row becomes 0, not NaN. */
export const MIN_STD = 1e-5;

/**
 * Standardizes each feature column (time-major data) in place: with `stats` from a dataset pass,
 * otherwise with the clip's own mean and population standard deviation over its frames.
 */
export function normalizeRows(data: Float32Array, frames: number, bins: number, stats?: FeatureStats): void {
  if (stats && stats.mean.length !== bins)
    throw new RangeError(`dataset statistics have ${stats.mean.length} features, the data ${bins}`);
  for (let b = 0; b < bins; b++) {
    let mean: number;
    let std: number;
    if (stats) {
      mean = stats.mean[b]!;
      std = stats.std[b]!;
    } else {
      let sum = 0;
      for (let t = 0; t < frames; t++) sum += data[t * bins + b]!;
      mean = sum / frames;
      let squares = 0;
      for (let t = 0; t < frames; t++) squares += (data[t * bins + b]! - mean) ** 2;
      std = Math.sqrt(squares / frames);
    }
    const scale = 1 / Math.max(std, MIN_STD);
    for (let t = 0; t < frames; t++) data[t * bins + b] = (data[t * bins + b]! - mean) * scale;
  }
}

/**
 * Streams feature matrices into per-feature mean and standard deviation (Chan et al.'s parallel
 * update), so dataset statistics never need every clip in memory at once.
 */
export class FeatureStatsAccumulator {
  private count = 0;
  private readonly mean: Float64Array;
  private readonly squares: Float64Array;

  constructor(readonly bins: number) {
    this.mean = new Float64Array(bins);
    this.squares = new Float64Array(bins);
  }

  add(data: Float32Array, frames: number): void {
    if (frames === 0) return;
    for (let b = 0; b < this.bins; b++) {
      let sum = 0;
      for (let t = 0; t < frames; t++) sum += data[t * this.bins + b]!;
      const batchMean = sum / frames;
      let batchSquares = 0;
      for (let t = 0; t < frames; t++) batchSquares += (data[t * this.bins + b]! - batchMean) ** 2;
      const total = this.count + frames;
      const delta = batchMean - this.mean[b]!;
      this.mean[b] = this.mean[b]! + (delta * frames) / total;
      this.squares[b] = this.squares[b]! + batchSquares + (delta * delta * this.count * frames) / total;
    }
    this.count += frames;
  }

  result(): FeatureStats {
    if (this.count === 0) throw new Error('no frames were added, so there are no statistics');
    return {
      mean: Float32Array.from(this.mean),
      std: Float32Array.from(this.squares, (s) => Math.sqrt(s / this.count)),
      count: this.count,
    };
  }
}
