import type { FeatureMatrix, FeatureSpec, FeatureStats } from '../model/FeatureSpec.ts';
import { computeDeltas } from './computeDeltas.ts';
import { createDct, createLifter } from './createDct.ts';
import { createMelFilterbank } from './createMelFilterbank.ts';
import { createRealFft, type RealFft } from './createRealFft.ts';
import { createWindow } from './createWindow.ts';
import { featureGeometry, featureSpecProblems } from './featureGeometry.ts';
import { normalizeRows } from './normalizeFeatures.ts';
import { resample } from './resample.ts';

export type FeatureExtractor = (samples: Float32Array, sampleRate: number, stats?: FeatureStats) => FeatureMatrix;

/**
 * Builds the function that turns a clip into `spec`'s feature matrix (time × feature). Windows,
 * filterbank, DCT and buffers are made once here, so extracting thousands of clips allocates only
 * the output. The renderer's previews and the training pipeline both call this.
 */
export interface FeatureExtractorOptions {
  /** Another real FFT of the same contract; the benchmark plugs in fft.js to compare in context. */
  createFft?: (size: number) => RealFft;
}

export function createFeatureExtractor(spec: FeatureSpec, options: FeatureExtractorOptions = {}): FeatureExtractor {
  const problems = featureSpecProblems(spec);
  if (problems.length) throw new RangeError(`invalid feature spec: ${problems.join('; ')}`);
  const { clipSamples, windowSamples, strideSamples, frames, baseBins, bins } = featureGeometry(spec);
  const fftSize = spec.fftSize;
  const spectrumBins = fftSize / 2 + 1;
  const window = createWindow(spec.window, windowSamples);
  const fft = (options.createFft ?? createRealFft)(fftSize);
  const filters =
    spec.type === 'spectrogram'
      ? []
      : createMelFilterbank({
          sampleRate: spec.sampleRate,
          fftSize,
          melBins: spec.melBins,
          lowerHz: spec.lowerHz,
          upperHz: spec.upperHz,
          scale: spec.melScale,
          norm: spec.melNorm,
          triangles: spec.melTriangles,
        });
  const dct = spec.type === 'mfcc' ? createDct(spec.melBins, spec.mfccCount, spec.dctNorm) : null;
  const lifter = spec.type === 'mfcc' && spec.lifter > 0 ? createLifter(spec.mfccCount, spec.lifter) : null;
  // Where frame t's window starts in the clip: librosa centres an fftSize frame on t·stride and the
  // window in that frame; tf.signal starts the window at t·stride.
  const firstWindowStart = spec.center ? -(fftSize >> 1) + ((fftSize - windowSamples) >> 1) : 0;

  // The clip sits in the middle of zero padding wide enough for any frame, so framing needs no
  // bounds checks.
  const padding = fftSize;
  const padded = new Float64Array(clipSamples + 2 * padding);
  const frame = new Float64Array(fftSize);
  const re = new Float64Array(spectrumBins);
  const im = new Float64Array(spectrumBins);
  const spectrum = new Float64Array(spectrumBins);
  const logMel = new Float64Array(spec.melBins);
  const melOrSpectrum = spec.type === 'spectrogram' ? spectrum : logMel;
  const width = melOrSpectrum.length;
  // librosa's top_db clamps relative to the clip's peak, so the logged rows wait for the whole clip.
  const clampsToPeak = spec.log === 'db' && spec.topDb !== null;
  const loggedClip = new Float64Array(clampsToPeak ? frames * width : 0);
  const silent = new Uint8Array(frames);
  // The filterbank flattened: filter m's weights are melWeights[melOffsets[m] … melOffsets[m+1]),
  // applied from spectrum bin melStarts[m].
  const melCount = filters.length;
  const melStarts = Int32Array.from(filters, (filter) => filter.start);
  const melOffsets = new Int32Array(melCount + 1);
  filters.forEach((filter, m) => (melOffsets[m + 1] = melOffsets[m]! + filter.weights.length));
  const melWeights = new Float64Array(melOffsets[melCount]!);
  filters.forEach((filter, m) => melWeights.set(filter.weights, melOffsets[m]!));
  // Only the bins some mel filter reads need a power value.
  const firstBin = spec.type === 'spectrogram' ? 0 : Math.min(...filters.map((filter) => filter.start));
  const lastBin =
    spec.type === 'spectrogram'
      ? spectrumBins
      : Math.max(...filters.map((filter) => filter.start + filter.weights.length));
  const power = spec.magnitudePower === 2;
  const logMode = spec.log === 'db' ? 1 : spec.log === 'ln' ? 2 : 0;
  const floor = spec.logFloor;
  const dbScale = 10 / Math.LN10;
  const log = (value: number) =>
    logMode === 1 ? dbScale * Math.log(value > floor ? value : floor) : logMode === 2 ? Math.log(value + floor) : value;
  // What an all-zero frame (padding, digital silence) becomes once logged: the same for every one.
  const silentLogged = log(0);

  return (samples, sampleRate, stats) => {
    if (spec.normalization === 'dataset' && !stats)
      throw new Error('feature spec normalizes with dataset statistics, but none were given');
    const input = sampleRate === spec.sampleRate ? samples : resample(samples, sampleRate, spec.sampleRate);
    const copied = Math.min(input.length, clipSamples);
    const signal = padded;
    // Only [padding, padding + clipSamples) is ever written, so the padding stays zero between clips.
    signal.set(copied === input.length ? input : input.subarray(0, copied), padding);
    signal.fill(0, padding + copied, padding + clipSamples);
    if (spec.preEmphasis !== 0) {
      for (let n = padding + clipSamples - 1; n > padding; n--)
        signal[n] = signal[n]! - spec.preEmphasis * signal[n - 1]!;
    }
    // Frames wholly outside [first, last] nonzero sample are silent and share one precomputed row;
    // clips padded to a fixed length are often half silence.
    const end = padding + Math.min(clipSamples, copied + (spec.preEmphasis !== 0 ? 1 : 0));
    let firstNonZero = padding;
    while (firstNonZero < end && signal[firstNonZero] === 0) firstNonZero++;
    let lastNonZero = end - 1;
    while (lastNonZero >= firstNonZero && signal[lastNonZero] === 0) lastNonZero--;

    const base = new Float32Array(frames * baseBins);
    const win = window;
    let peak = -Infinity;
    let anySilent = false;
    for (let t = 0; t < frames; t++) {
      const start = padding + firstWindowStart + t * strideSamples;
      if (start > lastNonZero || start + windowSamples <= firstNonZero) {
        silent[t] = 1;
        anySilent = true;
        continue;
      }
      silent[t] = 0;
      for (let n = 0; n < windowSamples; n++) frame[n] = signal[start + n]! * win[n]!;
      fft(frame, re, im);
      for (let k = firstBin; k < lastBin; k++) {
        const energy = re[k]! * re[k]! + im[k]! * im[k]!;
        spectrum[k] = power ? energy : Math.sqrt(energy);
      }
      for (let m = 0; m < melCount; m++) {
        const end = melOffsets[m + 1]!;
        let at = melStarts[m]!;
        let sum = 0;
        for (let w = melOffsets[m]!; w < end; w++, at++) sum += melWeights[w]! * spectrum[at]!;
        logMel[m] = sum;
      }
      // One loop per log mode, so the hot loop has no mode test and the JIT can inline Math.log.
      if (logMode === 1) {
        for (let m = 0; m < width; m++) {
          const value = melOrSpectrum[m]!;
          const logged = dbScale * Math.log(value > floor ? value : floor);
          melOrSpectrum[m] = logged;
          if (logged > peak) peak = logged;
        }
      } else if (logMode === 2) {
        for (let m = 0; m < width; m++) melOrSpectrum[m] = Math.log(melOrSpectrum[m]! + floor);
      }
      if (clampsToPeak) loggedClip.set(melOrSpectrum, t * width);
      else writeFrame(base, t);
    }
    if (anySilent && silentLogged > peak) peak = silentLogged;
    const clampFloor = clampsToPeak ? peak - spec.topDb! : -Infinity;
    if (clampsToPeak) {
      for (let t = 0; t < frames; t++) {
        if (silent[t]) continue;
        for (let m = 0; m < width; m++) {
          const value = loggedClip[t * width + m]!;
          melOrSpectrum[m] = value > clampFloor ? value : clampFloor;
        }
        writeFrame(base, t);
      }
    }
    if (anySilent) {
      melOrSpectrum.fill(silentLogged > clampFloor ? silentLogged : clampFloor);
      let row = -1;
      for (let t = 0; t < frames; t++) {
        if (!silent[t]) continue;
        if (row < 0) writeFrame(base, (row = t));
        else base.copyWithin(t * baseBins, row * baseBins, (row + 1) * baseBins);
      }
    }

    const data = spec.deltas === 0 ? base : appendDeltas(base, frames, baseBins, spec.deltas);
    if (spec.normalization !== 'none')
      normalizeRows(data, frames, bins, spec.normalization === 'dataset' ? stats : undefined);
    return { frames, bins, data };
  };

  /** Writes the logged mel / spectrum row for frame t, through the DCT and lifter for MFCCs. */
  function writeFrame(out: Float32Array, t: number): void {
    const offset = t * baseBins;
    if (!dct) {
      for (let m = 0; m < baseBins; m++) out[offset + m] = melOrSpectrum[m]!;
      return;
    }
    const melBins = spec.melBins;
    const matrix = dct;
    const values = logMel;
    for (let k = 0; k < baseBins; k++) {
      let sum = 0;
      const row = k * melBins;
      for (let m = 0; m < melBins; m++) sum += matrix[row + m]! * values[m]!;
      out[offset + k] = lifter ? sum * lifter[k]! : sum;
    }
  }
}

/** [features, Δ, Δ²] side by side in each frame, as librosa stacks them. */
function appendDeltas(base: Float32Array, frames: number, baseBins: number, deltas: 1 | 2): Float32Array {
  const parts = [base, computeDeltas(base, frames, baseBins, 1)];
  if (deltas === 2) parts.push(computeDeltas(base, frames, baseBins, 2));
  const bins = baseBins * parts.length;
  const out = new Float32Array(frames * bins);
  for (let t = 0; t < frames; t++) {
    parts.forEach((part, p) => out.set(part.subarray(t * baseBins, (t + 1) * baseBins), t * bins + p * baseBins));
  }
  return out;
}
