import type { TrainSpec } from './TrainSpec.ts';

/** A value list, or a range that random search samples (log spacing for rates and the like). */
export type SweepAxis =
  | { path: string; values: unknown[] }
  | { path: string; range: { min: number; max: number; scale: 'linear' | 'log'; integer: boolean } };

export type SweepStrategy =
  | { kind: 'grid' }
  | { kind: 'random'; trials: number; seed: number }
  /**
   * Successive halving: every configuration (the grid, or `trials` random draws) trains for
   * `minEpochs`; the best 1/reduction go on with reduction× the epochs, and so on up to `maxEpochs`.
   */
  | { kind: 'halving'; trials: number | null; seed: number; minEpochs: number; maxEpochs: number; reduction: number };

/** What a trial must meet to count; null leaves a bound off. */
export interface SweepConstraints {
  maxGzipKb: number | null;
  maxLatencyMs: number | null;
  minValAccuracy: number | null;
  /** The int8 TFLite model's zlib-9 size (needs `base.deploy`, which measures it per trial). */
  maxInt8ZlibKb?: number | null | undefined;
  /** The int8 TFLite model's interpreter latency (needs `base.deploy` and a configured interpreter). */
  maxInt8LatencyMs?: number | null | undefined;
}

export const sweepObjectives = [
  'val_accuracy',
  'gzip_kb',
  'latency_ms',
  'int8_accuracy',
  'int8_zlib_kb',
  'int8_latency_ms',
] as const;
export type SweepObjective = (typeof sweepObjectives)[number];
/** Objectives measured on the int8 TFLite model: a sweep with one needs `base.deploy`. */
export const int8Objectives: readonly SweepObjective[] = ['int8_accuracy', 'int8_zlib_kb', 'int8_latency_ms'];

export interface SweepSpec {
  name?: string;
  /** Every trial starts from this spec… */
  base: TrainSpec;
  /** …and sets these fields (dot paths into the TrainSpec, e.g. "model.firstConv.filters"). */
  axes: SweepAxis[];
  strategy: SweepStrategy;
  constraints: SweepConstraints;
  /** The Pareto front is taken over these: accuracy maximised, size and latency minimised. */
  objectives: SweepObjective[];
}

/** One configuration of a sweep: its field values and the spec they make. */
export interface SweepTrialPlan {
  index: number;
  overrides: Record<string, unknown>;
  spec: TrainSpec;
}
