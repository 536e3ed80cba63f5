import { hzToMel, melToHz, type MelScale } from './melScale.ts';

export interface MelFilterbankOptions {
  sampleRate: number;
  fftSize: number;
  melBins: number;
  lowerHz: number;
  upperHz: number;
  scale: MelScale;
  /** 'slaney': each triangle scaled to unit area (2 / bandwidth in Hz). */
  norm: 'slaney' | 'none';
  /** 'hz': triangles linear in Hz (librosa). 'mel': linear in mel, DC bin excluded (tf.signal). */
  triangles: 'hz' | 'mel';
}

/** One triangle: its nonzero weights, starting at spectrum bin `start`. */
export interface MelFilter {
  start: number;
  weights: Float64Array;
}

/** Triangular filters over the fftSize/2 + 1 spectrum bins, stored sparsely (most weights are 0). */
export function createMelFilterbank(options: MelFilterbankOptions): MelFilter[] {
  const { sampleRate, fftSize, melBins, lowerHz, upperHz, scale, norm, triangles } = options;
  const binCount = fftSize / 2 + 1;
  const lowerMel = hzToMel(lowerHz, scale);
  const upperMel = hzToMel(upperHz, scale);
  // melBins + 2 edges evenly spaced in mel: filter m rises from edge m to m+1 and falls to m+2.
  const edgesMel = Float64Array.from(
    { length: melBins + 2 },
    (_, i) => lowerMel + ((upperMel - lowerMel) * i) / (melBins + 1),
  );
  const edgesHz = edgesMel.map((mel) => melToHz(mel, scale));
  const binHz = Float64Array.from({ length: binCount }, (_, k) => (k * sampleRate) / fftSize);
  const binMel = binHz.map((hz) => hzToMel(hz, scale));

  const filters: MelFilter[] = [];
  for (let m = 0; m < melBins; m++) {
    const dense = new Float64Array(binCount);
    const [edges, positions] = triangles === 'hz' ? [edgesHz, binHz] : [edgesMel, binMel];
    const left = edges[m]!;
    const centre = edges[m + 1]!;
    const right = edges[m + 2]!;
    for (let k = triangles === 'mel' ? 1 : 0; k < binCount; k++) {
      const rising = (positions[k]! - left) / (centre - left);
      const falling = (right - positions[k]!) / (right - centre);
      dense[k] = Math.max(0, Math.min(rising, falling));
    }
    if (norm === 'slaney') {
      const scaleFactor = 2 / (edgesHz[m + 2]! - edgesHz[m]!);
      for (let k = 0; k < binCount; k++) dense[k]! *= scaleFactor;
    }
    let start = 0;
    while (start < binCount && dense[start] === 0) start++;
    let end = binCount;
    while (end > start && dense[end - 1] === 0) end--;
    filters.push({ start, weights: dense.slice(start, end) });
  }
  return filters;
}
