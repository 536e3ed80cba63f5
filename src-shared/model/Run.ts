import type { ModelStats } from './ModelSpec.ts';
import type { TrainSpec } from './TrainSpec.ts';

/** `interrupted`: its process ended without finishing it (killed, crashed, power lost); resumable like cancelled. */
export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Test examples of this class. */
  support: number;
}

/** What a finished run reports; the CLI's `--json` prints it with snake_case keys. */
export interface RunSummary {
  runId: string;
  classes: string[];
  testAccuracy: number;
  validationAccuracy: number;
  perClass: ClassMetrics[];
  /** confusion[actual][predicted] counts on the test split, in `classes` order. */
  confusion: number[][];
  model: ModelStats & { gzipBytes: number; sparsity: number };
  /** Features + model for one clip, batch 1, median of the measured runs, on this machine. */
  latencyMs: number;
  trainSeconds: number;
  trainSamplesPerSecond: number;
  epochs: number;
  steps: number;
  stoppedEarly: boolean;
  /** The epoch (1-based) whose weights the run kept: the best by validation (at the final sparsity, when pruned); the last when none was eligible. Absent in runs recorded before it was. */
  bestEpoch?: number;
  /** Per pruned layer, the sparsity reached; empty without pruning. */
  pruning: { name: string; sparsity: number }[];
  /** The int8 TFLite model's measurements: made when the spec asked (`deploy`) or when the run was last exported as int8. */
  deploy?: DeployStats | undefined;
}

/** What an int8 TFLite model of a run measured (see ShipReport for each figure's meaning). */
export interface DeployStats {
  io: 'int8' | 'float32';
  rawBytes: number;
  /** zlib level 9 (Node's zlib). */
  zlibBytes: number;
  zipBytes: number;
  /** The int8 model's accuracy on the run's test clips (its int8 engine), and the float model's on the same clips. */
  accuracy: number;
  floatAccuracy: number;
  /** Share of test clips where int8 and float predict the same label. */
  agreement: number;
  testClips: number;
  calibrationInputs: number;
  arenaBytes: number;
  /** TensorFlow Lite interpreter latency, median ms (default kernels, reference kernels); null when not measured. */
  latencyMs: number | null;
  referenceLatencyMs: number | null;
}

export interface RunInfo {
  id: string;
  name: string;
  spec: TrainSpec;
  status: RunStatus;
  error: string | null;
  specHash: string;
  snapshotId: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  appVersion: string;
  tensorflowVersion: string | null;
  /** The last completed epoch with a checkpoint; a cancelled or failed run resumes after it. */
  checkpointEpoch: number | null;
  /** Latest value of every metric key, e.g. val_accuracy. */
  latest: Record<string, number>;
  summary: RunSummary | null;
}

export interface RunDetail extends RunInfo {
  /** Every metric series: key → points in step order. */
  metrics: Record<string, { step: number; value: number }[]>;
}

/** One training progress event, streamed from the run's worker. */
export interface TrainingProgress {
  runId: string;
  status: RunStatus;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number | null;
  accuracy: number | null;
  samplesPerSecond: number | null;
  etaSeconds: number | null;
  message: string;
}
