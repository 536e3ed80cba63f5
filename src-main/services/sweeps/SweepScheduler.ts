import type { SweepProgressEvent } from '../../../src-shared/model/Sweep.ts';
import type { SweepSpec } from '../../../src-shared/model/SweepSpec.ts';
import { withOverrides } from '../../../src-shared/sweep/expandSweep.ts';
import { appVersion } from '../appVersion.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import { assignRunToSweep } from '../runs/store/assignRunToSweep.ts';
import { createRun } from '../runs/store/createRun.ts';
import { getRun } from '../runs/store/getRun.ts';
import { setRunStatus } from '../runs/store/setRunStatus.ts';
import { createTrialExecutor } from './createTrialExecutor.ts';
import {
  addTrial,
  endAttempt,
  failedAttempts,
  getSweep,
  listTrials,
  nextAttempt,
  setSweepStatus,
  startAttempt,
  updateTrial,
  type SweepStatus,
  type TrialRow,
} from './sweepStore.ts';
import type { TrialExecutor } from './TrialExecutor.ts';
import { sweepEta } from './sweepEta.ts';
import { createTrialCost } from './trialCost.ts';
import { trialScores, type TrialScore } from './trialScores.ts';

/** The progress event, with the best trial in full rather than its accuracy alone. */
export type SweepProgress = Omit<SweepProgressEvent, 'bestValAccuracy'> & { best: TrialScore | null };

/** Failed attempts a trial gets before it is marked failed; interrupted and paused attempts do not count. */
const MAX_FAILURES = 2;

/**
 * Works through a sweep's queue of trials, as many at once as its executor has slots (this
 * machine's worker processes, or a Redis queue). The queue is the trials table, so nothing lives
 * only in memory: started again after the studio was killed, it finds trials marked running whose
 * process is gone and resumes their runs from the last checkpoint (or restarts them), or waits again
 * for a queued job that outlived it; it keeps every finished trial and never runs a trial twice at
 * once. Each try at a trial is an attempt (trial_attempts): one that ended early stays in the
 * trial's history, with its run when the next attempt could not resume that run, but a trial is
 * one trial however many attempts it took. Successive halving adds the next rung's trials when a
 * rung completes.
 */
export class SweepScheduler {
  private readonly executor: TrialExecutor;
  private stopping: SweepStatus | null = null;
  /** Seconds of each finished trial, and each trial's relative cost once known (see trialCost). */
  private readonly durations = new Map<number, number>();
  private readonly costs = new Map<number, number>();
  private trialCost: ((trial: TrialRow) => Promise<number>) | null = null;
  /** Trials whose queued job outlived the studio: waited for again, under the same attempt. */
  private readonly reattach = new Set<number>();
  private wake: () => void = () => undefined;

  constructor(
    private readonly project: OpenProject,
    private readonly sweepId: string,
    private readonly onProgress: (progress: SweepProgress) => void,
    executor?: TrialExecutor,
  ) {
    this.executor = executor ?? createTrialExecutor(project, sweepId);
  }

  /** Runs until the queue is empty (done), or pause/cancel; resolves with the sweep's status. */
  async run(): Promise<SweepStatus> {
    const db = this.project.db;
    const sweep = getSweep(db, this.sweepId);
    if (!sweep) throw new Error(`sweep ${this.sweepId} does not exist`);
    setSweepStatus(db, this.sweepId, 'running');
    this.trialCost = createTrialCost(sweep.spec);
    this.recoverInterrupted();
    const active = new Set<Promise<void>>();
    for (;;) {
      while (!this.stopping && active.size < this.executor.slots) {
        const trial = await this.nextTrial();
        if (!trial) break;
        this.reattach.delete(trial.id);
        const running: Promise<void> = this.runTrial(sweep.spec, sweep.snapshotId, trial).finally(() =>
          active.delete(running),
        );
        active.add(running);
      }
      this.report();
      if (active.size === 0) {
        if (this.stopping) break;
        if (!this.promoteRung(sweep.spec)) break;
        continue;
      }
      await Promise.race([...active, new Promise<void>((resolve) => (this.wake = resolve))]);
    }
    const status: SweepStatus = this.stopping ?? 'done';
    setSweepStatus(db, this.sweepId, status);
    this.report(status);
    return status;
  }

  /** Trials were added to the queue: look at it now rather than when a running trial ends. */
  notify(): void {
    this.wake();
  }

  /** True once pause or cancel was asked for. */
  get isStopping(): boolean {
    return this.stopping !== null;
  }

  /**
   * Stops launching, and asks running trials to stop after their current step (they resume later):
   * cancelled, or with `reason` interrupted for it where the executor can tell the two apart.
   */
  stop(status: 'paused' | 'cancelled', reason?: string): void {
    this.stopping = status;
    for (const runId of this.executor.running) {
      if (reason && this.executor.interrupt) this.executor.interrupt(runId, reason);
      else this.executor.cancel(runId);
    }
  }

  dispose(): Promise<void> {
    return this.executor.dispose();
  }

  /** A trial whose queued job outlived a restarted studio, else the costliest queued trial (ties: in order). */
  private async nextTrial(): Promise<TrialRow | undefined> {
    const trials = listTrials(this.project.db, this.sweepId);
    const reattach = trials.find((row) => row.status === 'running' && this.reattach.has(row.id));
    if (reattach) return reattach;
    let next: { trial: TrialRow; cost: number } | undefined;
    for (const trial of trials.filter((row) => row.status === 'queued')) {
      const cost = this.costs.get(trial.id) ?? (await this.trialCost!(trial));
      this.costs.set(trial.id, cost);
      if (!next || cost > next.cost) next = { trial, cost };
    }
    return next?.trial;
  }

  /** Trials left 'running' by a studio that died: their runs resume from a checkpoint, or start over. */
  private recoverInterrupted(): void {
    const db = this.project.db;
    for (const trial of listTrials(db, this.sweepId)) {
      if (trial.status !== 'running' && trial.status !== 'cancelled') continue;
      const run = trial.runId ? getRun(db, trial.runId) : null;
      if (run?.status === 'done') {
        endAttempt(db, this.sweepId, trial.id, 'done');
        updateTrial(db, this.sweepId, trial.id, { status: 'done' });
        continue;
      }
      if (trial.status === 'running' && run && this.executor.outlivesStudio) {
        this.reattach.add(trial.id);
        continue;
      }
      const stopped = 'interrupted: the studio stopped during this run';
      if (run && (run.status === 'running' || run.status === 'queued'))
        setRunStatus(db, run.id, 'interrupted', { error: stopped });
      endAttempt(db, this.sweepId, trial.id, 'interrupted', getRun(db, trial.runId ?? '')?.error ?? stopped);
      updateTrial(db, this.sweepId, trial.id, { status: 'queued' });
    }
  }

  private async runTrial(spec: SweepSpec, snapshotId: string, trial: TrialRow): Promise<void> {
    const db = this.project.db;
    const reattaching = trial.status === 'running';
    const previous = trial.runId ? getRun(db, trial.runId) : null;
    const resume = previous !== null && previous.checkpointEpoch !== null;
    // A job waited for again trains the run it was queued with, checkpoint or not.
    let runId = resume || (reattaching && previous) ? previous!.id : null;
    const attempts = reattaching ? trial.attempts : nextAttempt(db, this.sweepId, trial);
    if (!runId) {
      const trialSpec = { ...withOverrides(spec.base, trial.overrides, trial.config), epochs: trial.epochs };
      if (trial.rung > 0) trialSpec.name = `${trialSpec.name} (rung ${trial.rung + 1})`;
      // The earlier attempt left nothing to resume: a new run, named as another attempt at this trial.
      if (previous) trialSpec.name = `${trialSpec.name} (attempt ${attempts})`;
      runId = createRun(db, trialSpec, snapshotId, appVersion);
      assignRunToSweep(db, runId, this.sweepId);
    }
    db.transaction(() => {
      updateTrial(db, this.sweepId, trial.id, { status: 'running', runId, attempts });
      startAttempt(db, this.sweepId, trial.id, attempts, runId);
    })();
    this.report();
    const started = performance.now();
    const outcome = await this.executor.start({ runId, resume, jobKey: `${this.sweepId}.${trial.id}.${attempts}` });
    endAttempt(db, this.sweepId, trial.id, outcome.status, outcome.status === 'done' ? null : outcome.message);
    if (outcome.status === 'done') {
      this.durations.set(trial.id, (performance.now() - started) / 1000);
      updateTrial(db, this.sweepId, trial.id, { status: 'done', error: null });
    } else if (outcome.status !== 'failed' || this.stopping) {
      updateTrial(db, this.sweepId, trial.id, { status: 'queued', error: null });
    } else if (failedAttempts(db, this.sweepId, trial.id) < MAX_FAILURES) {
      updateTrial(db, this.sweepId, trial.id, { status: 'queued', error: outcome.message });
    } else {
      updateTrial(db, this.sweepId, trial.id, { status: 'failed', error: outcome.message });
    }
  }

  /** Successive halving: when a rung is complete, its best 1/reduction go on with more epochs. */
  private promoteRung(spec: SweepSpec): boolean {
    const strategy = spec.strategy;
    if (strategy.kind !== 'halving') return false;
    const db = this.project.db;
    const trials = listTrials(db, this.sweepId);
    const rung = Math.max(...trials.map((trial) => trial.rung));
    const current = trials.filter((trial) => trial.rung === rung);
    const epochs = current[0]!.epochs;
    if (epochs >= strategy.maxEpochs || current.length <= 1) return false;
    const scores = trialScores(db, current, spec.constraints).filter((score) => score.valAccuracy !== null);
    const keep = Math.max(1, Math.floor(current.length / strategy.reduction));
    const survivors = scores.sort((a, b) => (b.valAccuracy ?? 0) - (a.valAccuracy ?? 0)).slice(0, keep);
    if (!survivors.length) return false;
    const nextEpochs = Math.min(strategy.maxEpochs, epochs * strategy.reduction);
    for (const survivor of survivors)
      addTrial(db, this.sweepId, survivor.config, rung + 1, nextEpochs, survivor.overrides);
    return true;
  }

  /** The status is 'running' until the sweep has actually stopped, so each end is reported once. */
  private report(status: SweepStatus = 'running'): void {
    const trials = listTrials(this.project.db, this.sweepId);
    const count = (state: TrialRow['status']) => trials.filter((trial) => trial.status === state).length;
    const sweep = getSweep(this.project.db, this.sweepId)!;
    const scores = trialScores(
      this.project.db,
      trials.filter((trial) => trial.status === 'done'),
      sweep.spec.constraints,
    );
    const best =
      scores.filter((score) => score.meetsConstraints).sort((a, b) => (b.valAccuracy ?? 0) - (a.valAccuracy ?? 0))[0] ??
      null;
    const finished = [...this.durations].map(([id, seconds]) => ({ seconds, cost: this.costs.get(id) }));
    const left = trials
      .filter((trial) => trial.status === 'queued' || trial.status === 'running')
      .map((trial) => this.costs.get(trial.id));
    const done = count('done');
    this.onProgress({
      sweepId: this.sweepId,
      status,
      total: trials.length,
      done,
      running: count('running'),
      failed: count('failed'),
      queued: count('queued'),
      best,
      etaSeconds: sweepEta(finished, left, this.executor.concurrency),
      message: `${this.stopping && status === 'running' ? `stopping (${this.stopping}) · ` : ''}${done}/${trials.length} done${best?.valAccuracy != null ? `, best validation ${(best.valAccuracy * 100).toFixed(1)} %` : ''}`,
    });
  }
}
