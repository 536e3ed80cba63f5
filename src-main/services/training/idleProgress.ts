import type { TrainingProgress } from '../../../src-shared/model/Run.ts';

/** A run's progress before any epoch is known: counts zero, measurements null. */
export function idleProgress(runId: string, status: TrainingProgress['status'], message: string): TrainingProgress {
  return {
    runId,
    status,
    epoch: 0,
    epochs: 0,
    step: 0,
    steps: 0,
    loss: null,
    accuracy: null,
    samplesPerSecond: null,
    etaSeconds: null,
    message,
  };
}
