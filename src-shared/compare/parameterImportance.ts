import type { RunValue } from '../model/RunQuery.ts';
import { encodeTrials } from './encodeTrials.ts';
import { fitRegressionForest, type ForestOptions } from './regressionForest.ts';
import { treeMainEffects } from './treeMainEffects.ts';

export interface ImportanceTrial {
  params: Record<string, RunValue>;
  metric: number;
}

export interface ParameterImportanceEntry {
  key: string;
  kind: 'numeric' | 'categorical';
  /** How many distinct values the trials tried (a missing value counts as one). */
  levels: number;
  /** Share of the metric's variance this parameter explains on its own, 0–1. */
  importance: number;
  /** Standard deviation of that share across the forest's trees: how settled it is. */
  spread: number;
}

export type ParameterImportance =
  | {
      ok: true;
      /** Most important first. Their importances sum to at most 1… */
      parameters: ParameterImportanceEntry[];
      /** …and this is the rest: variance only combinations of parameters explain (interactions). */
      remainder: number;
      /** How well the surrogate predicts trials it did not see (1 perfect, ≤ 0 no better than the mean); null if unknown. */
      oobR2: number | null;
      trials: number;
      trees: number;
    }
  | { ok: false; reason: 'not-enough-trials' | 'nothing-varies' | 'metric-constant'; message: string; trials: number };

export const MIN_IMPORTANCE_TRIALS = 4;

// As Optuna's evaluator: 64 trees, grown deep. Every parameter is tried at every split: with the few
// parameters of a sweep, forcing splits on random ones credited irrelevant parameters (a pure-noise
// x2 beside y = 5·x1 got 0.13 at 50 trials with half the parameters per split, 0.001 with all).
const DEFAULTS: ForestOptions = { trees: 64, maxDepth: 12, minSamplesLeaf: 1, featureFraction: 1, seed: 0 };

/**
 * How much each parameter matters for a metric, by functional ANOVA on a random-forest surrogate
 * (fANOVA: Hutter, Hoos & Leyton-Brown, "An Efficient Approach for Assessing Hyperparameter
 * Importance", ICML 2014; as in Optuna's FanovaImportanceEvaluator).
 *
 * A seeded random forest learns metric ≈ f(parameters) from the trials. The space of parameters
 * is the product of the values each one took (each value equally likely: the sweep's own grid,
 * or for random search roughly its sampling distribution; a missing value is a value of its own).
 * For every tree, the variance of f over that space is split exactly into parts: the variance of
 * each parameter's marginal — f averaged over all other parameters, as a function of that one —
 * over the total is its importance; what the single parameters leave is explained only by
 * combinations of them. The shares are averaged over the trees.
 *
 * Why not correlation: it sees only straight-line, one-at-a-time effects on numbers, misses
 * categorical and non-monotonic ones (a best middle learning rate), and credits a parameter that
 * merely moved together with another. The marginal averages the others out instead.
 *
 * Limits: it explains the surrogate, so it is only as good as `oobR2` (few or noisy trials give a
 * low one); it describes the region the trials covered, not values never tried; a parameter that
 * matters only with another shows up in `remainder`, not in its own share.
 */
export function parameterImportance(
  trials: readonly ImportanceTrial[],
  options: Partial<ForestOptions> = {},
): ParameterImportance {
  const usable = trials.filter((trial) => Number.isFinite(trial.metric));
  const count = usable.length;
  if (count < MIN_IMPORTANCE_TRIALS) {
    return {
      ok: false,
      reason: 'not-enough-trials',
      message: `not enough trials: parameter importance needs at least ${MIN_IMPORTANCE_TRIALS} trials with a value of the metric, got ${count}`,
      trials: count,
    };
  }
  const parameters = encodeTrials(usable.map((trial) => trial.params));
  if (parameters.length === 0)
    return {
      ok: false,
      reason: 'nothing-varies',
      message: 'every parameter has the same value in all trials: nothing to compare',
      trials: count,
    };
  const targets = Float64Array.from(usable, (trial) => trial.metric);
  if (targets.every((value) => value === targets[0])) {
    return {
      ok: false,
      reason: 'metric-constant',
      message: 'the metric is the same in every trial: there is no difference to explain',
      trials: count,
    };
  }

  const settings = { ...DEFAULTS, ...options };
  checkOptions(settings);
  const forest = fitRegressionForest(
    parameters.map((parameter) => ({
      levels: parameter.levels.length,
      ordered: parameter.kind === 'numeric',
      codes: parameter.codes,
    })),
    targets,
    settings,
  );
  const levelCounts = parameters.map((parameter) => parameter.levels.length);
  // Trees that did not split at all explain nothing, and have no shares to average.
  const shares = forest.trees
    .map((tree) => treeMainEffects(tree, levelCounts))
    .filter((effects) => effects.variance > 0)
    .map((effects) => effects.main.map((main) => Math.min(1, main / effects.variance)));
  const entries = parameters.map((parameter, i) => {
    const values = shares.map((tree) => tree[i]!);
    const importance = mean(values);
    const spread = Math.sqrt(mean(values.map((value) => (value - importance) ** 2)));
    return { key: parameter.key, kind: parameter.kind, levels: parameter.levels.length, importance, spread };
  });
  entries.sort((a, b) => b.importance - a.importance || a.key.localeCompare(b.key));
  const explained = entries.reduce((total, entry) => total + entry.importance, 0);
  return {
    ok: true,
    parameters: entries,
    remainder: Math.max(0, 1 - explained),
    oobR2: forest.oobR2,
    trials: count,
    trees: settings.trees,
  };
}

function checkOptions({ trees, maxDepth, minSamplesLeaf, featureFraction }: ForestOptions): void {
  const wholeAtLeast = (value: number, min: number) => Number.isInteger(value) && value >= min;
  if (!wholeAtLeast(trees, 1)) throw new RangeError(`trees must be a whole number of at least 1, got ${trees}`);
  if (!wholeAtLeast(maxDepth, 1))
    throw new RangeError(`maxDepth must be a whole number of at least 1, got ${maxDepth}`);
  if (!wholeAtLeast(minSamplesLeaf, 1))
    throw new RangeError(`minSamplesLeaf must be a whole number of at least 1, got ${minSamplesLeaf}`);
  if (!(featureFraction > 0 && featureFraction <= 1))
    throw new RangeError(`featureFraction must be in (0, 1], got ${featureFraction}`);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((total, value) => total + value, 0) / values.length;
}
