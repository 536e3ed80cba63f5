/**
 * Everything that decides how a clip becomes a feature matrix. Two conventions meet here: librosa's
 * (centred frames, Hz-domain Slaney triangles, power in dB, orthonormal DCT) and TensorFlow's
 * `tf.signal` (frames from sample 0, mel-domain HTK triangles without the DC bin, ln(x + offset),
 * DCT scaled by 1/√(2N)). Each knob is separate so a sweep can vary one at a time.
 */
export type FeatureType = 'mfcc' | 'log-mel' | 'spectrogram';
export type WindowFunction = 'hann' | 'hamming' | 'blackman' | 'rectangular';

export interface FeatureSpec {
  type: FeatureType;
  /** Clips are resampled to this rate (Hz) before framing; lower than the project's rate downsamples. */
  sampleRate: number;
  /** Clips are zero-padded at the end or cut to exactly this length. */
  clipDurationMs: number;
  windowMs: number;
  strideMs: number;
  /** Power of two, at least the window length in samples; the window is zero-padded to it. */
  fftSize: number;
  window: WindowFunction;
  /**
   * true: librosa's framing — the signal is zero-padded by fftSize/2 on both sides and frame t is
   * centred on sample t·stride. false: TensorFlow's — frame t starts at sample t·stride, no padding.
   */
  center: boolean;
  /** y[n] = x[n] − a·x[n−1]; 0 turns it off. */
  preEmphasis: number;
  /** 1: magnitude spectrum, 2: power spectrum (what the mel filterbank and log see). */
  magnitudePower: 1 | 2;
  melBins: number;
  lowerHz: number;
  upperHz: number;
  melScale: 'htk' | 'slaney';
  /** 'slaney' scales each triangle to unit area (librosa's default); 'none' leaves peaks at 1. */
  melNorm: 'slaney' | 'none';
  /** Where the triangles are linear: 'hz' as librosa, 'mel' as tf.signal (which also drops DC). */
  melTriangles: 'hz' | 'mel';
  /** 'db': 10·log10(max(x, floor)), clamped to topDb below the peak; 'ln': ln(x + floor); 'none'. */
  log: 'db' | 'ln' | 'none';
  logFloor: number;
  /** Only for log 'db'; null keeps the full range. */
  topDb: number | null;
  mfccCount: number;
  /** 'ortho': orthonormal DCT-II (librosa); 'tensorflow': tf.signal's uniform 1/√(2N) scale. */
  dctNorm: 'ortho' | 'tensorflow';
  /** Sinusoidal liftering coefficient as in librosa; 0 turns it off. */
  lifter: number;
  /** Appends first (1) or first and second (2) time derivatives, librosa's Savitzky–Golay deltas. */
  deltas: 0 | 1 | 2;
  /** Per feature row: 'clip' standardizes over the clip's frames, 'dataset' with stats from a pass. */
  normalization: 'none' | 'clip' | 'dataset';
}

/** Mean and standard deviation per feature row, for FeatureSpec normalization 'dataset'. */
export interface FeatureStats {
  mean: Float32Array;
  std: Float32Array;
  count: number;
}

/** A computed feature matrix: `frames` rows of `bins` values, row-major (time × feature). */
export interface FeatureMatrix {
  frames: number;
  bins: number;
  data: Float32Array;
}

export interface FeaturePreset {
  id: string;
  name: string;
  description: string;
  spec: FeatureSpec;
}
