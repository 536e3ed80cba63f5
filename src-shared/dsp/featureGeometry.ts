import type { FeatureSpec } from '../model/FeatureSpec.ts';

/** Sample counts and output shape a FeatureSpec implies, shared by the extractor, cache and models. */
export interface FeatureGeometry {
  clipSamples: number;
  windowSamples: number;
  strideSamples: number;
  frames: number;
  /** Values per frame, deltas included. */
  bins: number;
  /** Values per frame before deltas. */
  baseBins: number;
}

export function featureGeometry(spec: FeatureSpec): FeatureGeometry {
  const clipSamples = Math.round((spec.clipDurationMs * spec.sampleRate) / 1000);
  const windowSamples = Math.round((spec.windowMs * spec.sampleRate) / 1000);
  const strideSamples = Math.round((spec.strideMs * spec.sampleRate) / 1000);
  const frames = spec.center
    ? 1 + Math.floor(clipSamples / strideSamples)
    : clipSamples >= windowSamples
      ? 1 + Math.floor((clipSamples - windowSamples) / strideSamples)
      : 0;
  const baseBins =
    spec.type === 'mfcc' ? spec.mfccCount : spec.type === 'log-mel' ? spec.melBins : spec.fftSize / 2 + 1;
  return { clipSamples, windowSamples, strideSamples, frames, baseBins, bins: baseBins * (1 + spec.deltas) };
}

/** Every way `spec` cannot work, as sentences a user can act on; empty when it is valid. */
export function featureSpecProblems(spec: FeatureSpec): string[] {
  const problems: string[] = [];
  const nyquist = spec.sampleRate / 2;
  const { windowSamples, strideSamples, frames } = featureGeometry(spec);
  if (windowSamples < 2) problems.push(`window ${spec.windowMs} ms is under 2 samples at ${spec.sampleRate} Hz`);
  if (strideSamples < 1) problems.push(`stride ${spec.strideMs} ms is under 1 sample at ${spec.sampleRate} Hz`);
  if ((spec.fftSize & (spec.fftSize - 1)) !== 0 || spec.fftSize < 4)
    problems.push(`FFT size ${spec.fftSize} is not a power of two ≥ 4`);
  else if (spec.fftSize < windowSamples) {
    problems.push(
      `FFT size ${spec.fftSize} is smaller than the window (${windowSamples} samples = ${spec.windowMs} ms at ${spec.sampleRate} Hz)`,
    );
  }
  if (frames < 1)
    problems.push(`the clip (${spec.clipDurationMs} ms) is shorter than one window (${spec.windowMs} ms)`);
  if (spec.deltas > 0 && frames < 9) problems.push(`deltas need at least 9 frames; this spec gives ${frames}`);
  if (spec.type !== 'spectrogram') {
    if (spec.upperHz > nyquist)
      problems.push(
        `upper frequency ${spec.upperHz} Hz is above the Nyquist frequency (${nyquist} Hz at ${spec.sampleRate} Hz)`,
      );
    if (spec.lowerHz >= spec.upperHz)
      problems.push(`lower frequency ${spec.lowerHz} Hz must be below the upper frequency ${spec.upperHz} Hz`);
    if (spec.melBins > spec.fftSize / 2 + 1)
      problems.push(
        `${spec.melBins} mel bins cannot be resolved by ${spec.fftSize / 2 + 1} FFT bins; raise the FFT size`,
      );
  }
  if (spec.type === 'mfcc' && spec.mfccCount > spec.melBins)
    problems.push(`${spec.mfccCount} MFCCs need at least as many mel bins (have ${spec.melBins})`);
  if (spec.log === 'ln' && !(spec.logFloor > 0)) problems.push('ln needs a log floor above 0, or log(0) is −∞');
  if (spec.type === 'mfcc' && spec.log === 'none')
    problems.push('MFCCs are the DCT of a log spectrum; choose dB or ln');
  return problems;
}
