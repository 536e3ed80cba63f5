import os from 'node:os';
import type { OpenProject } from '../project/ProjectSession.ts';
import { claimRun, releaseRun, thisProcess } from '../runs/store/runOwners.ts';
import { setRunStatus } from '../runs/store/setRunStatus.ts';
import { TrainingRunner, type RunOutcome } from '../training/TrainingRunner.ts';
import type { TrialAttempt, TrialExecutor } from './TrialExecutor.ts';

/** How many trials train at once and with how many TensorFlow threads each: one core per trial. */
export function sweepParallelism(cores = os.availableParallelism()): { slots: number; threadsPerTrial: number } {
  return { slots: Math.max(1, cores), threadsPerTrial: 1 };
}

/** Trials as worker processes on this machine, one core each (two trials never fight over a core). */
export class LocalTrialExecutor implements TrialExecutor {
  readonly outlivesStudio = false;
  readonly slots: number;
  readonly concurrency: number;
  private readonly runner: TrainingRunner;
  private readonly owner = thisProcess('a sweep');

  constructor(
    private readonly project: OpenProject,
    private readonly parallelism = sweepParallelism(),
  ) {
    this.slots = parallelism.slots;
    this.concurrency = parallelism.slots;
    this.runner = new TrainingRunner(
      (runId, message) => setRunStatus(project.db, runId, 'failed', { error: message }),
      { reuseWorkers: true },
    );
  }

  get running(): readonly string[] {
    return this.runner.running;
  }

  start(attempt: TrialAttempt): Promise<RunOutcome> {
    const { db } = this.project;
    // This process owns the trial's run until its worker takes it over.
    try {
      claimRun(db, attempt.runId, this.owner);
    } catch (error) {
      return Promise.resolve({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
    return this.runner
      .start(this.project.layout.root, attempt.runId, attempt.resume, { threads: this.parallelism.threadsPerTrial })
      .finally(() => releaseRun(db, attempt.runId, this.owner));
  }

  cancel(runId: string): void {
    this.runner.cancel(runId);
  }

  interrupt(runId: string, reason: string): void {
    this.runner.interrupt(runId, reason);
  }

  async dispose(): Promise<void> {
    this.runner.dispose();
  }
}
