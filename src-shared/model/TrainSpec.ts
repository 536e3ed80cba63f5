import type { FeatureSpec } from './FeatureSpec.ts';
import type { ModelSpec } from './ModelSpec.ts';

/** How the training set is drawn from a snapshot, with TensorFlow speech_commands semantics. */
export interface DataSpec {
  /** The classes to learn; every other label becomes `_unknown_`. Null: every label of the snapshot. */
  wantedWords: string[] | null;
  /** `_silence_` examples per split, as a percentage of the wanted-word examples (TF: 10). */
  silencePercentage: number;
  /** `_unknown_` examples per split, as a percentage of the wanted-word examples (TF: 10). */
  unknownPercentage: number;
  /** Background noise mixed into training clips: loudness (0–1) and the share of clips that get it. */
  backgroundVolume: number;
  backgroundFrequency: number;
  /** Training clips are shifted by up to ± this many ms (TF: 100). */
  timeShiftMs: number;
  /** SpecAugment on training features: count and maximum width of time and frequency masks. */
  specAugment: { timeMasks: number; timeMaskFrames: number; frequencyMasks: number; frequencyMaskBins: number };
  /** Speed perturbation of training clips (resampled by a random factor in [min, max]); null: off. */
  speedPerturbation: { min: number; max: number } | null;
  /** 'oversample': every class drawn equally often in training; 'none': as the data falls. */
  balance: 'none' | 'oversample';
}

export type OptimizerSpec =
  | { kind: 'sgd'; momentum: number; nesterov: boolean }
  | { kind: 'adam'; beta1: number; beta2: number; epsilon: number }
  | { kind: 'adamw'; beta1: number; beta2: number; epsilon: number; weightDecay: number };

/**
 * The learning rate over training steps. Lengths are either absolute (optimizer steps, as the papers
 * and TF scripts give them) or relative to the run (shares of its total steps), so one schedule
 * keeps its shape whether the run is 20 or 200 epochs long. Each pair below takes exactly one.
 */
export type ScheduleSpec =
  /**
   * Stages at fixed rates. `steps`: each stage's length in steps, as TF speech_commands'
   * `--how_many_training_steps=15000,3000 --learning_rate=0.001,0.0001`; their sum sets the run's
   * length (epochs are ignored). `fractions`: each stage's share of the run (summing to 1); the
   * run's length comes from epochs or steps.
   */
  | { kind: 'piecewise'; steps?: number[] | undefined; fractions?: number[] | undefined; rates: number[] }
  | { kind: 'constant'; rate: number }
  | { kind: 'exponential'; initial: number; final: number }
  | { kind: 'polynomial'; initial: number; final: number; power: number }
  /** Linear warm-up over `warmupSteps` steps, or over `warmupFraction` of the run; then a half cosine. */
  | {
      kind: 'cosine';
      initial: number;
      final: number;
      warmupSteps?: number | undefined;
      warmupFraction?: number | undefined;
    }
  /** Triangular cycles of `stepsPerHalfCycle` × 2 steps, or `cyclesPerRun` whole cycles over the run. */
  | {
      kind: 'cyclical';
      low: number;
      high: number;
      stepsPerHalfCycle?: number | undefined;
      cyclesPerRun?: number | undefined;
    };

/**
 * When a pruning schedule acts. Each of the three is given in optimizer steps (TF-MOT's `begin_step`,
 * `end_step`, `frequency`) or as a share of the run's total steps, resolved to steps when the run's
 * length is known (see resolvePruning); exactly one of each pair.
 */
export interface PruningTiming {
  beginStep?: number | undefined;
  beginFraction?: number | undefined;
  /** −1 (constant sparsity only): to the end of training. */
  endStep?: number | undefined;
  endFraction?: number | undefined;
  frequency?: number | undefined;
  frequencyFraction?: number | undefined;
}

/** TF Model Optimization's pruning schedules (prune_low_magnitude): how sparse, and when. */
export type PruningSpec = PruningSparsity & PruningTiming;

export type PruningSparsity =
  | { kind: 'constant'; sparsity: number }
  | { kind: 'polynomial'; initialSparsity: number; finalSparsity: number; power: number };

/** A pruning schedule with its timing resolved to optimizer steps: what TF-MOT itself takes. */
export type PruningSteps = PruningSparsity & { beginStep: number; endStep: number; frequency: number };

export interface TrainSpec {
  name?: string;
  seed: number;
  features: FeatureSpec;
  model: ModelSpec;
  data: DataSpec;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  batchSize: number;
  /** Training length in whole passes over the training set (a piecewise schedule in steps sets its own length). */
  epochs: number;
  /** Or in optimizer steps, when given: overrides `epochs` (the last epoch may end early). */
  steps?: number | undefined;
  /** Gradients of this many batches are summed before one optimizer step. */
  gradientAccumulation: number;
  l2: number;
  labelSmoothing: number;
  earlyStopping: { metric: 'val_accuracy' | 'val_loss'; patience: number; minDelta: number } | null;
  pruning: PruningSpec | null;
  /**
   * When set, the end of the run also makes its int8 TFLite model (calibrated on `calibration`
   * training inputs) and records what it measured in the summary's `deploy`: the deployed size and
   * accuracy a sweep can constrain and rank by. Absent: no TFLite model is made.
   */
  deploy?: DeploySpec | undefined;
}

/** The TFLite model a run measures when it ends (see TrainSpec.deploy). */
export interface DeploySpec {
  quantize: 'int8';
  /** int8 or float32 input and output (QUANTIZE / DEQUANTIZE at the edges). */
  io: 'int8' | 'float32';
  calibration: number;
}
