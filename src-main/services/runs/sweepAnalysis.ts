import { compareRunValues } from '../../../src-shared/compare/compareRunValues.ts';
import { parameterImportance } from '../../../src-shared/compare/parameterImportance.ts';
import { paretoFront } from '../../../src-shared/compare/paretoFront.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { SweepAnalysisInput } from '../../../src-shared/contract/RunService.ts';
import type { RunValue } from '../../../src-shared/model/RunQuery.ts';
import type { SweepAnalysis, SweepAnalysisTrial, SweepParameter } from '../../../src-shared/model/RunComparison.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { getSweep, listTrials } from '../sweeps/sweepStore.ts';
import { TRIAL_OBJECTIVES, trialScores } from '../sweeps/trialScores.ts';
import type { RunIndex } from './RunIndex.ts';

/**
 * A sweep's trials as parallel-coordinates lines (the parameters that vary, then the metric), the
 * Pareto front over the sweep's own objectives among trials meeting its constraints, and the
 * importance of each varying parameter for the metric over the finished trials.
 */
export function sweepAnalysis(
  db: ProjectDatabase,
  index: RunIndex,
  { sweepId, metric = 'val_accuracy' }: SweepAnalysisInput,
): SweepAnalysis {
  const sweep = getSweep(db, sweepId);
  if (!sweep) throw new StudioError('not_found', `There is no sweep ${sweepId} in this project.`);
  const trials = listTrials(db, sweepId).flatMap((trial) => {
    const run = trial.runId ? index.get(trial.runId) : undefined;
    return run ? [{ trial, run }] : [];
  });
  const known = new Set(index.columns().map((column) => column.key));
  if (!known.has(metric))
    throw new StudioError(
      'invalid_input',
      `No run has "${metric}"; pick a metric such as val_accuracy, test_accuracy or stats.gzip_kb.`,
    );

  // Every parameter key of the trials' specs, kept when the trials disagree on it.
  const paramKeys = [
    ...new Set(trials.flatMap(({ run }) => Object.keys(run.values).filter((key) => index.kindOf(key) === 'param'))),
  ];
  const parameters: SweepParameter[] = paramKeys.flatMap((key) => {
    const values = trials.map(({ run }) => run.values[key] ?? null);
    const distinct = [...new Map(values.map((value) => [`${typeof value}:${String(value)}`, value])).values()].sort(
      compareRunValues,
    );
    if (distinct.length < 2) return [];
    const present = distinct.filter((value) => value !== null);
    const type = present.every((value) => typeof value === 'number')
      ? 'number'
      : present.every((value) => typeof value === 'boolean')
        ? 'bool'
        : 'text';
    return [{ key, type, values: distinct }];
  });

  const scores = trialScores(
    db,
    trials.filter(({ trial }) => trial.status === 'done').map(({ trial }) => trial),
    sweep.spec.constraints,
  );
  const scoreOf = new Map(scores.map((score) => [score.trialId, score]));
  const objectives = sweep.spec.objectives.map((objective) => TRIAL_OBJECTIVES[objective]);
  const front = new Set(
    paretoFront(
      scores.filter((score) => score.meetsConstraints),
      objectives,
    ).map((score) => score.trialId),
  );

  const rows: SweepAnalysisTrial[] = trials.map(({ trial, run }) => {
    const score = scoreOf.get(trial.id);
    const value = run.values[metric];
    return {
      trialId: trial.id,
      config: trial.config,
      rung: trial.rung,
      runId: run.id,
      status: run.status,
      params: Object.fromEntries(
        parameters.map((parameter) => [parameter.key, run.values[parameter.key] ?? null]),
      ) as Record<string, RunValue>,
      metric: typeof value === 'number' ? value : null,
      valAccuracy: score?.valAccuracy ?? null,
      testAccuracy: score?.testAccuracy ?? null,
      gzipKb: score?.gzipKb ?? null,
      latencyMs: score?.latencyMs ?? null,
      int8Accuracy: score?.int8Accuracy ?? null,
      int8ZlibKb: score?.int8ZlibKb ?? null,
      meetsConstraints: score?.meetsConstraints ?? false,
      pareto: front.has(trial.id),
    };
  });
  const finished = rows.filter((row) => row.status === 'done' && row.metric !== null);
  return {
    sweepId,
    name: sweep.name,
    metric,
    objectives: sweep.spec.objectives,
    constraints: sweep.spec.constraints,
    parameters,
    trials: rows,
    importance: parameterImportance(finished.map((row) => ({ params: row.params, metric: row.metric! }))),
  };
}
