import type { FeatureSpec } from '../model/FeatureSpec.ts';
import type { ModelSpec, ModelStats } from '../model/ModelSpec.ts';
import type { RunInfo, TrainingProgress } from '../model/Run.ts';
import type { TrainSpec } from '../model/TrainSpec.ts';
import type { Event } from './events.ts';

/** The recipe the Train page starts from and `kws-studio train` uses without --preset or --spec: short, sized in epochs. */
export const DEFAULT_TRAIN_PRESET_ID = 'quick-ds-cnn';

export interface TrainPreset {
  id: string;
  name: string;
  description: string;
  spec: TrainSpec;
}

/** Training runs: start, follow, cancel and resume them. What they recorded is the run service's. */
export interface TrainingService {
  /** Example specs in resources/presets/train, one per model family. */
  presets(): Promise<TrainPreset[]>;
  /** Parameters and MACs of a model for a feature spec, before anything trains. */
  modelStats(input: { model: ModelSpec; features: FeatureSpec; classes: number }): Promise<ModelStats>;
  /** Freezes a snapshot of the library and starts the run in its own process. */
  /** What would not work as the spec seems to ask, on the project's data as it is now, in sentences. */
  warnings(input: { spec: TrainSpec }): Promise<string[]>;
  startRun(input: { spec: TrainSpec }): Promise<RunInfo>;
  resumeRun(input: { runId: string }): Promise<RunInfo>;
  /**
   * Stops the run after its current step as cancelled; with a `reason` (a signal the process got), a run
   * this process trains stops as interrupted instead, recording the reason, and resume continues it.
   */
  cancelRun(input: { runId: string; reason?: string | undefined }): Promise<void>;
  onDidProgress: Event<TrainingProgress>;
}
