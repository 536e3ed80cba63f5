import type { RunSummary, TrainingProgress } from '../../../src-shared/model/Run.ts';

/** What the main process and a run's worker process say to each other. */
export type ToTrainingWorker = { type: 'start'; projectPath: string; runId: string; resume: boolean } | { type: 'cancel' };

export type FromTrainingWorker =
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'done'; summary: RunSummary }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };
