import type { RunOutcome } from '../training/TrainingRunner.ts';

/** One attempt at a trial's run: `jobKey` names the attempt, the same on every retry of it. */
export interface TrialAttempt {
  runId: string;
  resume: boolean;
  jobKey: string;
}

/**
 * Where a sweep's trials train: this machine's worker processes, or a queue that workers on other
 * machines take them from. The scheduler keeps the queue of trials in SQLite either way.
 */
export interface TrialExecutor {
  /** How many trials may train at once. */
  readonly slots: number;
  /** How many trials train at once in practice, for the ETA: the slots here, the workers serving the queue on Redis. */
  readonly concurrency: number;
  /**
   * True when an attempt outlives the studio (a queued job on Redis): a trial found running after a
   * restart is waited for again under its job key rather than started over.
   */
  readonly outlivesStudio: boolean;
  readonly running: readonly string[];
  start(attempt: TrialAttempt): Promise<RunOutcome>;
  cancel(runId: string): void;
  /**
   * Stops a run after its step as interrupted for `reason` (resumable), e.g. "stopped by SIGTERM".
   * Executors whose trials train elsewhere (a Redis queue) leave it out: the run is cancelled instead.
   */
  interrupt?(runId: string, reason: string): void;
  dispose(): Promise<void>;
}
