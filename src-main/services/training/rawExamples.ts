import os from 'node:os';
import type { FeatureSpec } from '../../../src-shared/model/FeatureSpec.ts';
import { createRandom, hashSeed } from '../../../src-shared/random/createRandom.ts';
import { SPLITS, type DatasetPlan, type Split } from '../../../src-shared/training/planDataset.ts';
import { FeatureCache } from '../features/FeatureCache.ts';
import { featureSpecHash } from '../features/featureSpecHash.ts';
import { audioPath } from '../project/projectLayout.ts';
import type { ExampleMaker } from './ExampleMaker.ts';
import { extractMissingFeatures } from './extractMissingFeatures.ts';
import { loadClipAudio } from './loadClipAudio.ts';
import type { ReportProgress } from './progressReporter.ts';
import type { RunSource } from './RunSource.ts';
import { TrainingCancelled } from './TrainingCancelled.ts';

/**
 * Fewest cache misses worth starting feature threads for. Starting two threads takes about 0.15 s
 * from the built app (about 0.8 s from source, where each thread first loads tsx), while decoding
 * and extracting a clip takes 0.2–2.5 ms on one thread (the more when it must be resampled); below a
 * few hundred misses (a few clips added since the last run) the threads would finish no sooner than
 * this thread alone. Writing each result into the cache stays on this thread either way.
 */
const MIN_MISSES_FOR_THREADS = 512;

export interface RawExamplesOptions {
  source: RunSource;
  plan: DatasetPlan;
  maker: ExampleMaker;
  /** The maker's audio by clip: filled here with `audioNeeded` and whatever this thread computes itself. */
  audio: Map<number, Float32Array>;
  /** Clips whose audio the run needs on this thread whatever the cache holds (those training augments, the latency clip). */
  audioNeeded: ReadonlySet<number>;
  progress: ReportProgress;
  signal: AbortSignal;
  /** Fewest cache misses that go to feature threads; tests set it to compare both paths. */
  minMissesForThreads?: number;
}

/**
 * Every example's features before normalization and augmentation, by split in plan order. A clip's
 * come from the project's feature cache (what the Library and earlier runs computed); misses are
 * computed over worker threads while this thread decodes the audio it needs anyway, or on this
 * thread when there are few. Whatever is computed goes into the cache, the same bytes either way.
 * `_silence_` examples are noise, made here.
 */
export async function rawExamples(options: RawExamplesOptions): Promise<Record<Split, Float32Array[]>> {
  const { source, plan, maker, audio, progress, signal } = options;
  const { spec, layout } = source;
  const clipById = new Map(source.clips.map((clip) => [clip.clipId, clip]));
  const fileOf = (clipId: number) => audioPath(layout, clipById.get(clipId)!.hash, clipById.get(clipId)!.ext);
  const loadAudio = (clipIds: number[], stop: AbortSignal) =>
    loadClipAudio({
      clipIds,
      fileOf,
      sampleRate: spec.features.sampleRate,
      into: audio,
      onProgress: (done, total) => progress({ message: `Loading audio ${done}/${total}` }),
      signal: stop,
    });

  const cache = new FeatureCache(layout.featureCache);
  const plainSpec: FeatureSpec = { ...spec.features, normalization: 'none' };
  const cacheSpecHash = featureSpecHash(plainSpec);
  const plain = new Map<number, Float32Array>();
  const misses: number[] = [];
  const looked = new Set<number>();
  for (const split of SPLITS) {
    for (const item of plan.items[split]) {
      if (item.clipId === null || looked.has(item.clipId)) continue;
      looked.add(item.clipId);
      const hit = cache.get(clipById.get(item.clipId)!.hash, cacheSpecHash);
      if (hit && hit.frames === maker.frames && hit.bins === maker.bins) plain.set(item.clipId, hit.data);
      else misses.push(item.clipId);
    }
  }

  // Misses whose audio this thread decodes anyway (clips training augments, the latency clip) are
  // computed here from that audio: a thread would decode and resample them a second time, and on two
  // cores that made preparing slower, not faster (resampling is most of a clip's cost).
  const elsewhere = misses.filter((clipId) => !options.audioNeeded.has(clipId));
  const threads = featureThreads();
  if (threads > 1 && elsewhere.length >= (options.minMissesForThreads ?? MIN_MISSES_FOR_THREADS)) {
    const [unfinished] = await sideBySide(
      signal,
      (stop) =>
        extractMissingFeatures({
          clips: elsewhere.map((clipId) => ({ clipId, hash: clipById.get(clipId)!.hash, file: fileOf(clipId) })),
          spec: plainSpec,
          specHash: cacheSpecHash,
          cache,
          threads,
          onFeatures: (clipId, features) => plain.set(clipId, features),
          onProgress: (done, total) =>
            progress({ message: `Computing features ${done}/${total} on ${threads} threads` }),
          signal: stop,
        }),
      (stop) => loadAudio([...options.audioNeeded], stop),
    );
    // What the threads could not do is decoded here: that names a missing or broken file, as one at a time would.
    await loadAudio(unfinished, signal);
  } else {
    await loadAudio([...new Set([...misses, ...options.audioNeeded])], signal);
  }

  progress({ message: 'Computing features' });
  const staticRandom = (split: Split, index: number) => createRandom(hashSeed(spec.seed, 'static', split, index));
  const raw: Record<Split, Float32Array[]> = { train: [], validation: [], test: [] };
  for (const split of SPLITS) {
    raw[split] = plan.items[split].map((item, index) => {
      if (item.clipId === null) return maker.rawFeatures(item, false, staticRandom(split, index));
      let features = plain.get(item.clipId);
      if (!features) {
        features = maker.rawFeatures(item, false, staticRandom(split, index));
        cache.put(clipById.get(item.clipId)!.hash, cacheSpecHash, {
          frames: maker.frames,
          bins: maker.bins,
          data: features,
        });
        plain.set(item.clipId, features);
      }
      return features;
    });
  }
  const cacheStatus = cache.status();
  progress({ message: `Features ready (${cacheStatus.hits} from the cache, ${cacheStatus.misses} computed)` });
  return raw;
}

/**
 * Threads for features: the run's share of the cores when a sweep trains several runs side by side
 * (TrainingRunner gives each worker TF_NUM_INTRAOP_THREADS), otherwise every core.
 */
function featureThreads(): number {
  const share = Number(process.env.TF_NUM_INTRAOP_THREADS);
  return Number.isInteger(share) && share > 0 ? share : os.availableParallelism();
}

/**
 * Runs two tasks at once, each to its end. When one fails, the other is stopped through its signal
 * and the first failure is thrown; a cancelled run throws TrainingCancelled, as everywhere else.
 */
async function sideBySide<A, B>(
  signal: AbortSignal,
  first: (stop: AbortSignal) => Promise<A>,
  second: (stop: AbortSignal) => Promise<B>,
): Promise<[A, B]> {
  const stop = new AbortController();
  const relay = () => stop.abort();
  if (signal.aborted) relay();
  signal.addEventListener('abort', relay, { once: true });
  const failures: unknown[] = [];
  const watched = <T>(task: Promise<T>) =>
    task.catch((error: unknown) => {
      failures.push(error);
      stop.abort();
      throw error;
    });
  try {
    const [a, b] = await Promise.allSettled([watched(first(stop.signal)), watched(second(stop.signal))]);
    if (signal.aborted) throw new TrainingCancelled();
    if (a.status === 'rejected' || b.status === 'rejected') throw failures[0];
    return [a.value, b.value];
  } finally {
    signal.removeEventListener('abort', relay);
  }
}
