import type { SweepSpec } from './SweepSpec.ts';

export type SweepStatus = 'running' | 'paused' | 'done' | 'cancelled';
export type TrialStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

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
  error: string | null;
  valAccuracy: number | null;
  testAccuracy: number | null;
  gzipKb: number | null;
  latencyMs: number | null;
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
