import { resample } from '../../../src-shared/dsp/resample.ts';
import type { DecodedAudio } from './decodedAudio.ts';

/** The clip's mono signal at the project's sample rate (band-limited resampling; the same array when rates match). */
export function toProjectRate(audio: DecodedAudio, sampleRate: number): Float32Array {
  if (audio.sampleRate === sampleRate) return audio.mono;
  return resample(audio.mono, audio.sampleRate, sampleRate);
}
