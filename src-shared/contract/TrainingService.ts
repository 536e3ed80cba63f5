import type { ClipPrediction } from '../model/ClipPrediction.ts';
import type { FeatureSpec } from '../model/FeatureSpec.ts';
import type { ModelSpec, ModelStats } from '../model/ModelSpec.ts';
import type { RunDetail, RunInfo, TrainingProgress } from '../model/Run.ts';
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

export interface PredictionQuery {
  runId: string;
  /** Class the clip belongs to / the model said; omit for any. */
  actual?: string | undefined;
  predicted?: string | undefined;
  split?: 'train' | 'validation' | 'test' | undefined;
  limit?: number | undefined;
}

/** Training runs: start, follow, cancel, resume, and read what they recorded. */
export interface TrainingService {
  /** Example specs in resources/presets/train, one per model family. */
  presets(): Promise<TrainPreset[]>;
  /** Parameters and MACs of a model for a feature spec, before anything trains. */
  modelStats(input: { model: ModelSpec; features: FeatureSpec; classes: number }): Promise<ModelStats>;
  /** Freezes a snapshot of the library and starts the run in its own process. */
  startRun(input: { spec: TrainSpec }): Promise<RunInfo>;
  resumeRun(input: { runId: string }): Promise<RunInfo>;
  cancelRun(input: { runId: string }): Promise<void>;
  listRuns(): Promise<RunInfo[]>;
  getRun(input: { runId: string }): Promise<RunDetail>;
  predictions(input: PredictionQuery): Promise<ClipPrediction[]>;
  onDidProgress: Event<TrainingProgress>;
}
