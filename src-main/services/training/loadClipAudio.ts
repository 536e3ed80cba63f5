import { resample } from '../../../src-shared/dsp/resample.ts';
import { decodeClipAudio } from '../project/clipAudioStore.ts';
import { TrainingCancelled } from './TrainingCancelled.ts';

export interface LoadClipAudioOptions {
  clipIds: readonly number[];
  fileOf(clipId: number): string;
  /** The feature sample rate, which every clip is brought to. */
  sampleRate: number;
  into: Map<number, Float32Array>;
  onProgress(done: number, total: number): void;
  signal: AbortSignal;
}

/** Decodes clips one after another into `into`, at the feature sample rate. */
export async function loadClipAudio(options: LoadClipAudioOptions): Promise<void> {
  const { clipIds, signal } = options;
  for (const [index, clipId] of clipIds.entries()) {
    if (signal.aborted) throw new TrainingCancelled();
    options.into.set(clipId, await decodeAtRate(clipId, options.fileOf(clipId), options.sampleRate));
    if (index % 200 === 0) options.onProgress(index, clipIds.length);
    // Decoding is synchronous: a turn of the event loop now and then lets feature threads working
    // meanwhile hand in their results and get their next clips.
    if (index % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** One clip's (or noise recording's) mono audio at `sampleRate`. */
export async function decodeAtRate(clipId: number, file: string, sampleRate: number): Promise<Float32Array> {
  const decoded = await decodeClipAudio(clipId, file);
  return decoded.sampleRate === sampleRate ? decoded.mono : resample(decoded.mono, decoded.sampleRate, sampleRate);
}
