import { FeatureStatsAccumulator } from '../../../src-shared/dsp/normalizeFeatures.ts';
import { createRandom } from '../../../src-shared/random/createRandom.ts';
import {
  planDataset,
  type DatasetItem,
  type DatasetPlan,
  type Split,
} from '../../../src-shared/training/planDataset.ts';
import { audioPath } from '../project/projectLayout.ts';
import { ExampleMaker } from './ExampleMaker.ts';
import { decodeAtRate } from './loadClipAudio.ts';
import type { ReportProgress } from './progressReporter.ts';
import { rawExamples } from './rawExamples.ts';
import type { RunSource } from './RunSource.ts';

/** Everything the loop and the end of a run need of the data, computed once before training. */
export interface PreparedExamples {
  plan: DatasetPlan;
  maker: ExampleMaker;
  /** One example's input: frames × bins × 1. */
  shape: [number, number, 1];
  /** Each split's features in plan order, before normalization. */
  raw: Record<Split, Float32Array[]>;
  /** Validation and test examples, normalized; they never change. */
  validation: Float32Array[];
  test: Float32Array[];
  /** Training examples before normalization when they never change; null when training augments audio, so each epoch makes its own. */
  trainStatic: Float32Array[] | null;
  /** The example the latency measurement runs on, audio included. */
  latencyItem: DatasetItem;
}

export interface PrepareExamplesOptions {
  source: RunSource;
  progress: ReportProgress;
  signal: AbortSignal;
  /** Fewest cache misses that go to feature threads; tests set it to compare both paths. */
  minMissesForThreads?: number;
  /**
   * Only the features are wanted, no training follows (a finished run's inputs): the audio that
   * training augments and the latency clip's are not decoded, so neither augmented epochs nor
   * measureLatency can run on the result.
   */
  featuresOnly?: boolean;
}

/**
 * The run's examples: its data plan, background noise, every example's features (rawExamples), the
 * audio that training augments, dataset statistics for normalization, and the ready validation and
 * test sets.
 */
export async function prepareExamples(options: PrepareExamplesOptions): Promise<PreparedExamples> {
  const { source } = options;
  const { spec, layout } = source;
  const plan = planDataset(source.clips, spec.data, spec.seed);
  const noise = await Promise.all(
    plan.noise.map((clip) =>
      decodeAtRate(clip.clipId, audioPath(layout, clip.hash, clip.ext), spec.features.sampleRate),
    ),
  );
  const audio = new Map<number, Float32Array>();
  const maker = new ExampleMaker(spec.features, spec.data, audio, noise);

  // Training examples with audio augmentation are made anew each epoch, from audio kept here.
  const audioNeeded = new Set<number>();
  if (maker.augmentsAudio && !options.featuresOnly)
    for (const item of plan.items.train) if (item.clipId !== null) audioNeeded.add(item.clipId);
  // The latency measurement runs the whole path, audio included, on one clip.
  const latencyItem =
    plan.items.test.find((item) => item.clipId !== null) ?? plan.items.train.find((item) => item.clipId !== null)!;
  if (!options.featuresOnly) audioNeeded.add(latencyItem.clipId!);
  const raw = await rawExamples({ ...options, plan, maker, audio, audioNeeded });

  if (spec.features.normalization === 'dataset') {
    const accumulator = new FeatureStatsAccumulator(maker.bins);
    for (const features of raw.train) accumulator.add(features, maker.frames);
    maker.stats = accumulator.result();
  }
  // Validation and test examples never change; training ones only with augmentation.
  const ready = (split: Split) => raw[split].map((features) => maker.finish(features.slice(), false, createRandom(0)));
  return {
    plan,
    maker,
    shape: [maker.frames, maker.bins, 1],
    raw,
    validation: ready('validation'),
    test: ready('test'),
    trainStatic: maker.augmentsAudio ? null : raw.train,
    latencyItem,
  };
}
