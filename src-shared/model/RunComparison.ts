import type { ClassComparison } from '../compare/bestPerClass.ts';
import type { ConfusionDifference } from '../compare/confusionDifference.ts';
import type { ParameterImportance } from '../compare/parameterImportance.ts';
import type { ClipPrediction } from './ClipPrediction.ts';
import type { RunStatus, RunSummary } from './Run.ts';
import type { RunValue } from './RunQuery.ts';
import type { SweepTrial } from './Sweep.ts';
import type { SweepConstraints, SweepObjective } from './SweepSpec.ts';
import type { TrainSpec } from './TrainSpec.ts';

/** One recorded value of a metric, with every x a chart can use. */
export interface MetricSeriesPoint {
  step: number;
  /** Epochs done at this step, from the run's `epoch` metric (fractional inside an epoch); null when it recorded none. */
  epoch: number | null;
  /** Wall-clock seconds since the run started (a resumed run includes the pause). */
  seconds: number | null;
  value: number;
}

/** A run as the comparison page shows it. */
export interface ComparedRun {
  id: string;
  name: string;
  status: RunStatus;
  error: string | null;
  sweepId: string | null;
  sweepName: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  tags: string[];
  note: string;
  starred: boolean;
  spec: TrainSpec;
  /** null until the run finishes. */
  summary: RunSummary | null;
  /** Every metric the run recorded: key → points in step order. */
  series: Record<string, MetricSeriesPoint[]>;
}

/** A confusion matrix of one run as it recorded it: `confusion[actual][predicted]` in `classes` order. */
export interface RunConfusion {
  runId: string;
  classes: string[];
  confusion: number[][];
}

/** Another run's confusion matrix against the baseline's: other − baseline, classes lined up by name. */
export interface RunConfusionDifference extends ConfusionDifference {
  runId: string;
  baselineRunId: string;
}

/** A model statistic side by side; `best` holds the indices of the runs with the best value. */
export interface StatComparison {
  key:
    | 'parameters'
    | 'macs'
    | 'size_kb'
    | 'gzip_kb'
    | 'sparsity'
    | 'latency_ms'
    | 'test_accuracy'
    | 'validation_accuracy'
    | 'train_seconds'
    | 'epochs_trained';
  label: string;
  unit: string;
  /** Which way is better; null when neither is (sparsity, epochs). */
  better: 'higher' | 'lower' | null;
  /** In run order; null for a run without a summary. */
  values: (number | null)[];
  best: number[];
}

/** Everything the comparison page of 2–8 runs shows, runs in the order asked. */
export interface RunComparison {
  runs: ComparedRun[];
  /** The run the others are measured against (differences of confusion matrices). */
  baselineRunId: string;
  /** Only the settings that differ; values in run order, null where a run lacks the key. */
  configDiff: { key: string; values: RunValue[] }[];
  /** Every metric key any of the runs recorded, sorted: the chart's metric picker. */
  metricKeys: string[];
  /** Per run in order; null for a run without a summary yet. */
  confusions: (RunConfusion | null)[];
  /** Every other finished run against the baseline; empty when the baseline has not finished. */
  confusionDifferences: RunConfusionDifference[];
  /** One row per class of any run (values in run order), the best run(s) marked per metric. */
  perClass: ClassComparison[];
  stats: StatComparison[];
}

export type ClipDifferenceKind = 'fixed' | 'broken' | 'both_wrong';

/**
 * A clip two runs answer differently. "Right" is judged against the label each run trained with:
 * a clip relabeled between the runs is right in each by its own label.
 */
export interface ClipDifference {
  /** fixed: the base run was wrong and the other is right; broken: the reverse; both_wrong: both wrong, differently. */
  kind: ClipDifferenceKind;
  clipId: number;
  originalName: string;
  split: string | null;
  /** The class the base run trained it as (`_unknown_` for other words). */
  label: string;
  /** The class the other run trained it as; differs from `label` when it was relabeled between them. */
  otherLabel: string;
  /** Its label in the library now; relabeling from this list changes it. */
  currentLabel: string | null;
  /** In the library's trash now. */
  trashed: boolean;
  basePredicted: string;
  baseConfidence: number;
  otherPredicted: string;
  otherConfidence: number;
}

export interface ClipDifferences {
  baseRunId: string;
  otherRunId: string;
  split: 'train' | 'validation' | 'test' | null;
  /** Clips both runs predicted (in the split, when one is given). */
  compared: number;
  baseCorrect: number;
  otherCorrect: number;
  /** Clips of each kind, before the limit. */
  counts: Record<ClipDifferenceKind, number>;
  /** Most confident first (by the other run's confidence), at most `limit` of each kind. */
  fixed: ClipDifference[];
  broken: ClipDifference[];
  bothWrong: ClipDifference[];
}

/** A clip the model confidently calls something other than its label. */
export interface MislabeledCandidate extends ClipPrediction {
  /** A library label to offer as the fix; null when the model said `_unknown_` or `_silence_`. */
  suggestedLabel: string | null;
  /** Already relabeled since the run, to what the model says: nothing left to do. */
  relabeledToPrediction: boolean;
  /** Relabeled since the run, to anything. */
  relabeled: boolean;
  trashed: boolean;
}

export interface LikelyMislabeled {
  runId: string;
  minConfidence: number;
  /** Candidates before the limit. */
  total: number;
  /** Most confident first. */
  rows: MislabeledCandidate[];
}

/** A parameter a sweep varies, for one parallel-coordinates axis. */
export interface SweepParameter {
  key: string;
  type: 'number' | 'text' | 'bool';
  /** Every value the trials took, sorted. */
  values: RunValue[];
}

export interface SweepAnalysisTrial extends Pick<
  SweepTrial,
  | 'config'
  | 'rung'
  | 'valAccuracy'
  | 'testAccuracy'
  | 'gzipKb'
  | 'latencyMs'
  | 'int8Accuracy'
  | 'int8ZlibKb'
  | 'meetsConstraints'
  | 'pareto'
> {
  trialId: number;
  runId: string;
  status: RunStatus;
  /** The varying parameters' values (keys of `parameters`). */
  params: Record<string, RunValue>;
  /** The chosen metric (a run-table key); null when the run has none. */
  metric: number | null;
}

export interface SweepAnalysis {
  sweepId: string;
  name: string;
  metric: string;
  objectives: SweepObjective[];
  constraints: SweepConstraints;
  parameters: SweepParameter[];
  /** Trials that have a run, in trial order. */
  trials: SweepAnalysisTrial[];
  /** What each varying parameter explains of the metric across finished trials (fANOVA on a forest surrogate). */
  importance: ParameterImportance;
}

export interface RunExport {
  format: 'csv' | 'json';
  /** A name to save it under, e.g. kws-runs-2026-05-01.csv. */
  fileName: string;
  mimeType: string;
  text: string;
}
