/** Container formats we decode; sniffed from the bytes, never taken from the file name. */
export type AudioFormat = 'wav' | 'flac' | 'mp3' | 'ogg';

/**
 * One decoded file. Every decoder downmixes the same way: `mono` is the arithmetic mean of all
 * channels, frame by frame (no channel weighting, no normalisation), so a stereo clip with one
 * silent side comes out 6 dB quieter rather than with a different balance per format.
 */
export interface DecodedAudio {
  /** The file's own rate; see toProjectRate for the project rate. */
  sampleRate: number;
  channels: number;
  /** Bit depth of the stored samples; 0 for lossy formats (MP3, Vorbis, Opus), which have none. */
  bitsPerSample: number;
  /** 'pcm' for integer samples (WAV PCM, FLAC), 'float' for IEEE float WAV and lossy decoders' output. */
  encoding: 'pcm' | 'float';
  numFrames: number;
  durationMs: number;
  /** Mean of all channels, scaled to [-1, 1) for integer PCM; every sample is finite. */
  mono: Float32Array;
  /** How `mono` was made from the channels; there is one policy, stated here for readers of the result. */
  downmix: 'mean';
  format: AudioFormat;
  /** Things that were repaired or ignored to decode the file (a streaming-written size, a junk tail …). */
  warnings: string[];
}

/** Bounds outside which a header is taken to be corrupt rather than describing a usable clip. */
export const AUDIO_LIMITS = {
  minSampleRate: 1000,
  maxSampleRate: 768_000,
  maxChannels: 32,
  maxSeconds: 24 * 3600,
  /** Declared WAV data past this is a lying header, not a recording worth importing. */
  maxDataBytes: 2 ** 31,
} as const;

/** A file that cannot be used as audio, with the reason in words a user can act on. */
export class AudioDecodeError extends Error {
  override name = 'AudioDecodeError';
}
