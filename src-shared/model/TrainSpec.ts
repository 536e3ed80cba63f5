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

/** The learning rate over training steps. */
export type ScheduleSpec =
  /** TF speech_commands: `--how_many_training_steps=15000,3000 --learning_rate=0.001,0.0001`. */
  | { kind: 'piecewise'; steps: number[]; rates: number[] }
  | { kind: 'constant'; rate: number }
  | { kind: 'exponential'; initial: number; final: number }
  | { kind: 'polynomial'; initial: number; final: number; power: number }
  | { kind: 'cosine'; initial: number; final: number; warmupSteps: number }
  | { kind: 'cyclical'; low: number; high: number; stepsPerHalfCycle: number };

/** TF Model Optimization's pruning schedules (prune_low_magnitude). */
export type PruningSpec =
  | { kind: 'constant'; sparsity: number; beginStep: number; endStep: number; frequency: number }
  | { kind: 'polynomial'; initialSparsity: number; finalSparsity: number; beginStep: number; endStep: number; power: number; frequency: number };

export interface TrainSpec {
  name?: string;
  seed: number;
  features: FeatureSpec;
  model: ModelSpec;
  data: DataSpec;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  batchSize: number;
  /** Training length in whole passes over the training set (a piecewise schedule sets its own length). */
  epochs: number;
  /** Or in optimizer steps, when given: overrides `epochs` (the last epoch may end early). */
  steps?: number | undefined;
  /** Gradients of this many batches are summed before one optimizer step. */
  gradientAccumulation: number;
  l2: number;
  labelSmoothing: number;
  earlyStopping: { metric: 'val_accuracy' | 'val_loss'; patience: number; minDelta: number } | null;
  pruning: PruningSpec | null;
}
