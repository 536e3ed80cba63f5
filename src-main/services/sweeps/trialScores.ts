import { paretoFront as genericParetoFront, type ParetoObjective } from '../../../src-shared/compare/paretoFront.ts';
import type { SweepConstraints, SweepObjective } from '../../../src-shared/model/SweepSpec.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { getRun } from '../runs/store/getRun.ts';
import type { TrialRow } from './sweepStore.ts';

/** A finished trial's numbers, and whether it meets the sweep's constraints. */
export interface TrialScore {
  trialId: number;
  config: number;
  rung: number;
  runId: string;
  overrides: Record<string, unknown>;
  valAccuracy: number | null;
  testAccuracy: number | null;
  gzipKb: number | null;
  latencyMs: number | null;
  /** The int8 TFLite model's measurements (summary.deploy), null when the trial made none. */
  int8Accuracy: number | null;
  int8ZlibKb: number | null;
  int8LatencyMs: number | null;
  meetsConstraints: boolean;
}

export function trialScores(
  db: ProjectDatabase,
  trials: readonly TrialRow[],
  constraints: SweepConstraints,
): TrialScore[] {
  return trials.flatMap((trial) => {
    const run = trial.runId ? getRun(db, trial.runId) : null;
    if (!run?.summary) return [];
    const { summary } = run;
    const score = {
      trialId: trial.id,
      config: trial.config,
      rung: trial.rung,
      runId: run.id,
      overrides: trial.overrides,
      valAccuracy: summary.validationAccuracy,
      testAccuracy: summary.testAccuracy,
      gzipKb: summary.model.gzipBytes / 1024,
      latencyMs: summary.latencyMs,
      int8Accuracy: summary.deploy?.accuracy ?? null,
      int8ZlibKb: summary.deploy ? summary.deploy.zlibBytes / 1024 : null,
      int8LatencyMs: summary.deploy?.latencyMs ?? null,
    };
    // A bound on a figure the trial did not measure is not met: an unmeasured model is not known to fit.
    const within = (value: number | null, bound: number | null | undefined) =>
      bound === null || bound === undefined || (value !== null && value <= bound);
    const meetsConstraints =
      within(score.gzipKb, constraints.maxGzipKb) &&
      within(score.latencyMs, constraints.maxLatencyMs) &&
      (constraints.minValAccuracy === null || score.valAccuracy >= constraints.minValAccuracy) &&
      within(score.int8ZlibKb, constraints.maxInt8ZlibKb) &&
      within(score.int8LatencyMs, constraints.maxInt8LatencyMs);
    return [{ ...score, meetsConstraints }];
  });
}

/**
 * The trials no other trial beats on every objective at once (accuracy up, size and latency down),
 * among those meeting the constraints; a trial missing one of the objectives' values is not on it.
 */
export function paretoFront(scores: readonly TrialScore[], objectives: readonly SweepObjective[]): TrialScore[] {
  return genericParetoFront(
    scores.filter((score) => score.meetsConstraints),
    objectives.map((objective) => TRIAL_OBJECTIVES[objective]),
  );
}

/** How each objective reads a trial's score, and which way is better. */
export const TRIAL_OBJECTIVES: Record<SweepObjective, ParetoObjective<TrialScore>> = {
  val_accuracy: { value: (score) => score.valAccuracy, direction: 'max' },
  gzip_kb: { value: (score) => score.gzipKb, direction: 'min' },
  latency_ms: { value: (score) => score.latencyMs, direction: 'min' },
  int8_accuracy: { value: (score) => score.int8Accuracy, direction: 'max' },
  int8_zlib_kb: { value: (score) => score.int8ZlibKb, direction: 'min' },
  int8_latency_ms: { value: (score) => score.int8LatencyMs, direction: 'min' },
};
