import type { RunSummary, TrainingProgress } from '../../../src-shared/model/Run.ts';

/**
 * What the main process and a run's worker process say to each other. With `keepAlive` the worker
 * waits for the next 'start' after a run ends (a sweep's trials, one after another) instead of exiting.
 * 'cancel' is the user's (the run ends cancelled); 'stop' ends it interrupted, resumable, for `reason`
 * ("stopped by SIGTERM").
 */
export type ToTrainingWorker =
  | { type: 'start'; projectPath: string; runId: string; resume: boolean; keepAlive?: boolean }
  | { type: 'cancel' }
  | { type: 'stop'; reason: string };

/** How a run ended; `stays`: the worker waits for another run (it exits otherwise). */
export type TrainingWorkerEnd = (
  | { type: 'done'; summary: RunSummary }
  | { type: 'cancelled' }
  | { type: 'interrupted'; reason: string }
  | { type: 'failed'; message: string }
) & { stays?: boolean };

export type FromTrainingWorker = { type: 'progress'; progress: TrainingProgress } | TrainingWorkerEnd;
