import type { SweepSpec } from './SweepSpec.ts';

export type SweepStatus = 'running' | 'paused' | 'done' | 'cancelled';
export type TrialStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/**
 * One attempt at a trial. A trial interrupted (a crash, a pause) or failed is attempted again; the
 * earlier attempts stay as its history, their runs kept, but they are not trials of their own.
 */
export interface TrialAttemptRecord {
  attempt: number;
  /** The run it trained: the trial's own run when the next attempt resumed it, else a run of its own. Null once purged. */
  runId: string | null;
  /** Null while under way. */
  outcome: 'done' | 'failed' | 'cancelled' | 'interrupted' | null;
  error: string | null;
  startedAt: string;
  endedAt: string | null;
}

export interface SweepTrial {
  id: number;
  /** The configuration (grid point or random draw); successive halving trains one again at later rungs. */
  config: number;
  rung: number;
  epochs: number;
  overrides: Record<string, unknown>;
  status: TrialStatus;
  runId: string | null;
  attempts: number;
  /** The attempts before the current one, oldest first. */
  earlierAttempts: TrialAttemptRecord[];
  error: string | null;
  valAccuracy: number | null;
  testAccuracy: number | null;
  gzipKb: number | null;
  latencyMs: number | null;
  /** The trial's int8 TFLite model (a sweep with `base.deploy`): accuracy, zlib-9 size, interpreter latency. */
  int8Accuracy: number | null;
  int8ZlibKb: number | null;
  int8LatencyMs: number | null;
  meetsConstraints: boolean;
  pareto: boolean;
}

export interface SweepInfo {
  id: string;
  name: string;
  status: SweepStatus;
  createdAt: string;
  finishedAt: string | null;
  total: number;
  done: number;
  failed: number;
  /** The best validation accuracy among finished trials that meet the constraints. */
  bestValAccuracy: number | null;
  /** The Redis URL its trials are queued on for `kws-studio worker` processes; null on this machine. */
  queueUrl: string | null;
}

export interface SweepDetail extends SweepInfo {
  spec: SweepSpec;
  trials: SweepTrial[];
}

/** A sweep's progress, streamed while it runs. */
export interface SweepProgressEvent {
  sweepId: string;
  status: SweepStatus;
  total: number;
  done: number;
  running: number;
  failed: number;
  queued: number;
  bestValAccuracy: number | null;
  etaSeconds: number | null;
  message: string;
}
