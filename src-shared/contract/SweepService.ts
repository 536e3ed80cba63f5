import type { SweepDetail, SweepInfo, SweepProgressEvent } from '../model/Sweep.ts';
import type { SweepSpec } from '../model/SweepSpec.ts';
import type { Event } from './events.ts';

export interface SweepPreset {
  id: string;
  name: string;
  description: string;
  spec: SweepSpec;
}

export interface SweepCheck {
  trials: number;
  problems: string[];
  /**
   * Things that would waste trials but do not stop the sweep, in sentences: pruning that never
   * prunes in a trial's length, a size bound no trial can break or every trial will, trials that
   * would train exactly alike. Computed on the project's data as it is now; empty with problems.
   */
  warnings: string[];
  /**
   * Seconds the sweep would take on this machine's trial slots, at the speed of the project's recent
   * runs weighed by each trial's model cost; null without a finished run to measure or with problems.
   */
  etaSeconds: number | null;
  /** Trials this machine trains at once. */
  slots: number;
}

/** A sweep just queued, and what would waste its trials (check's warnings, on the data it froze). */
export interface StartedSweep extends SweepInfo {
  warnings: string[];
}

/** Sweeps over features × model × training × pruning: queued in the project, run by a pool of trial workers. */
export interface SweepService {
  presets(): Promise<SweepPreset[]>;
  /** A spec being edited: its trial count, every problem in words (empty when it can start), warnings, and how long it would take here. */
  check(input: { spec: unknown }): Promise<SweepCheck>;
  /**
   * Queues the sweep's trials and starts working through them. With `queueUrl` (redis://…), trials go
   * to `kws-studio worker` processes through that Redis server.
   */
  startSweep(input: { spec: SweepSpec; queueUrl?: string | undefined }): Promise<StartedSweep>;
  /**
   * Runs a sweep in this process until it ends, and resolves with it as it ended once its scheduler
   * has let go of it (trial workers gone, queue connections closed): done, or paused or cancelled by
   * pauseSweep/cancelSweep. A sweep already running here is waited for, not run twice; any other is
   * picked up where it stands (unfinished trials resume from their checkpoints). Rejects with what
   * stopped the scheduler, if something did. Progress comes through onDidProgress. For a caller that
   * stays in the foreground until the sweep is over, as `kws-studio sweep` does.
   */
  runSweep(input: { sweepId: string }): Promise<SweepDetail>;
  /**
   * Queues the configurations of `spec` that the sweep has not run yet (more axis values, more random
   * draws); the base spec and strategy must stay the same. A finished sweep starts again.
   */
  addTrials(input: { sweepId: string; spec: SweepSpec }): Promise<{ added: number; sweep: SweepInfo }>;
  /**
   * Stops launching trials; running ones stop after their step and resume later from their checkpoint.
   * With `reason` (e.g. "stopped by SIGTERM"), trials training on this machine end interrupted for
   * that reason rather than cancelled; trials on a Redis queue are called back either way.
   */
  pauseSweep(input: { sweepId: string; reason?: string | undefined }): Promise<void>;
  resumeSweep(input: { sweepId: string }): Promise<void>;
  cancelSweep(input: { sweepId: string }): Promise<void>;
  listSweeps(): Promise<SweepInfo[]>;
  getSweep(input: { sweepId: string }): Promise<SweepDetail>;
  onDidProgress: Event<SweepProgressEvent>;
}
