import type { FeatureSpec } from '../../../src-shared/model/FeatureSpec.ts';
import type { FeatureCache } from '../features/FeatureCache.ts';
import { extractInWorkers } from '../features/extractInWorkers.ts';

export interface MissingClip {
  clipId: number;
  /** The audio's content hash: the clip's key in the feature cache. */
  hash: string;
  file: string;
}

export interface ExtractMissingFeaturesOptions {
  clips: readonly MissingClip[];
  /** The spec the cache holds features under (no normalization), and its hash. */
  spec: FeatureSpec;
  specHash: string;
  cache: FeatureCache;
  threads: number;
  onFeatures(clipId: number, features: Float32Array): void;
  onProgress(done: number, total: number): void;
  signal: AbortSignal;
}

/**
 * The features of clips the project's cache lacks, over worker threads (the fan-out the CLI's
 * `features cache` uses): each result goes into the cache and on to `onFeatures`. Returns the clips
 * it could not do (a file the threads could not decode, or threads that failed altogether); the
 * caller decodes those itself, which names what is wrong or computes them after all.
 */
export async function extractMissingFeatures(options: ExtractMissingFeaturesOptions): Promise<number[]> {
  const { clips, signal } = options;
  const byKey = new Map(clips.map((clip) => [String(clip.clipId), clip]));
  const done = new Set<number>();
  const finishOne = (clipId: number) => {
    done.add(clipId);
    if (done.size % 200 === 0 || done.size === clips.length) options.onProgress(done.size, clips.length);
  };
  const failed = new Set<number>();
  try {
    await extractInWorkers({
      spec: options.spec,
      threads: options.threads,
      jobs: clips.map((clip) => ({ key: String(clip.clipId), file: clip.file })),
      signal,
      onResult(key, matrix) {
        const clip = byKey.get(key)!;
        options.cache.put(clip.hash, options.specHash, matrix);
        options.onFeatures(clip.clipId, matrix.data);
        finishOne(clip.clipId);
      },
      onFailure(key) {
        failed.add(Number(key));
        finishOne(Number(key));
      },
    });
  } catch (error) {
    if (signal.aborted) throw error;
    // The threads themselves failed (one exited, or could not start): what they did not finish is
    // left to the caller, so the run goes on one clip at a time rather than failing.
    return clips.filter((clip) => !done.has(clip.clipId) || failed.has(clip.clipId)).map((clip) => clip.clipId);
  }
  return [...failed];
}
