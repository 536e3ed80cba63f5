import type { SweepSpec, SweepTrialPlan } from '../model/SweepSpec.ts';
import type { TrainSpec } from '../model/TrainSpec.ts';
import { pruningEffect } from '../training/pruningEffect.ts';
import { absoluteSchedule } from '../training/relativeSchedule.ts';
import { lengthSetBy } from '../training/totalStepsOf.ts';
import { trainSpecWarnings, type SpecWarning } from '../training/trainSpecWarnings.ts';

/** What the check knows of one trial before it runs. */
export interface TrialFacts {
  plan: SweepTrialPlan;
  /** Optimizer steps it trains (its first rung's under successive halving), from the project's data. */
  totalSteps: number;
  /** Its model's float32 weights in bytes, or null when not known. */
  sizeBytes: number | null;
}

/** gzip cannot grow data by more than this (stored blocks: 5 bytes per 16 KB, plus its header). */
const gzipUpperBound = (bytes: number) => bytes * 1.001 + 64;
/**
 * Trained float32 weights are nearly incompressible: gzip rarely takes them below 80 % (zeros from
 * pruning aside). An estimate, not a bound, so the warning says "almost certainly".
 */
const GZIP_FLOOR = 0.8;

/**
 * Warnings, not errors, about a sweep that would waste trials: per-trial run warnings (pruning that
 * never prunes, a warm-up longer than the run), successive halving whose epochs change nothing, a
 * size bound that no trial can break or that every trial will break, and trials that would train
 * exactly like another.
 */
export function sweepWarnings(sweep: SweepSpec, trials: readonly TrialFacts[]): string[] {
  if (!trials.length) return [];
  return [
    ...runWarnings(trials),
    ...halvingWarnings(sweep, trials),
    ...sizeWarnings(sweep, trials),
    ...duplicateWarnings(trials),
  ];
}

function runWarnings(trials: readonly TrialFacts[]): string[] {
  const byCode = new Map<string, { warning: SpecWarning; trial: TrialFacts; count: number }>();
  for (const trial of trials) {
    for (const warning of trainSpecWarnings(trial.plan.spec, trial.totalSteps)) {
      const seen = byCode.get(warning.code);
      if (seen) seen.count++;
      else byCode.set(warning.code, { warning, trial, count: 1 });
    }
  }
  return [...byCode.values()].map(
    ({ warning, trial, count }) => `${scope(count, trials.length, trial)}, ${lowerFirst(warning.message)}`,
  );
}

function halvingWarnings(sweep: SweepSpec, trials: readonly TrialFacts[]): string[] {
  if (sweep.strategy.kind !== 'halving') return [];
  const fixed = trials.filter((trial) => lengthSetBy(trial.plan.spec) !== null);
  if (!fixed.length) return [];
  const by =
    lengthSetBy(fixed[0]!.plan.spec) === 'stages' ? 'the piecewise stages, given in steps,' : 'the spec’s steps';
  return [
    `${scope(fixed.length, trials.length, fixed[0]!)}, successive halving changes nothing: ${by} set the length (${fixed[0]!.totalSteps} steps), so every rung trains as long as the first. Give the stages as fractions of the run, or drop steps.`,
  ];
}

function sizeWarnings(sweep: SweepSpec, trials: readonly TrialFacts[]): string[] {
  const bound = sweep.constraints.maxGzipKb;
  const sized = trials.filter((trial) => trial.sizeBytes !== null);
  if (bound === null || !sized.length) return [];
  const limit = bound * 1024;
  const kb = (bytes: number) => `${Number((bytes / 1024).toPrecision(3))} KB`;
  if (sized.length === trials.length && sized.every((trial) => gzipUpperBound(trial.sizeBytes!) <= limit)) {
    const largest = Math.max(...sized.map((trial) => trial.sizeBytes!));
    return [
      `No trial can break the ${bound} KB size bound: even uncompressed, the largest model's float32 weights are ${kb(largest)}. The bound has no effect.`,
    ];
  }
  // Folding a Rep-InceptionNeXt shrinks the model after training: its size now is no floor.
  const floor = (trial: TrialFacts) => {
    const spec = trial.plan.spec;
    if (spec.model.kind === 'rep_inception') return 0;
    const sparsity = spec.pruning ? pruningEffect(spec.pruning, trial.totalSteps).reached : 0;
    return trial.sizeBytes! * (1 - sparsity) * GZIP_FLOOR;
  };
  const failing = sized.filter((trial) => floor(trial) > limit);
  if (!failing.length) return [];
  const lightest = failing.reduce((best, trial) => (floor(trial) < floor(best) ? trial : best));
  const reached = lightest.plan.spec.pruning
    ? pruningEffect(lightest.plan.spec.pruning, lightest.totalSteps).reached
    : 0;
  const pruned = reached > 0 ? `, pruned to at most ${Math.round(reached * 100)} %,` : '';
  const model = failing.length === trials.length && trials.length > 1 ? 'even the lightest model has' : 'its model has';
  return [
    `${scope(failing.length, trials.length, lightest)}, the model will almost certainly break the ${bound} KB size bound whatever it learns: ${model} ${kb(lightest.sizeBytes!)} of float32 weights${pruned} and gzip rarely shrinks float32 weights below ${GZIP_FLOOR * 100} %.`,
  ];
}

function duplicateWarnings(trials: readonly TrialFacts[]): string[] {
  const firstByKey = new Map<string, TrialFacts>();
  const pairs: [TrialFacts, TrialFacts][] = [];
  for (const trial of trials) {
    const key = effectiveKey(trial);
    const first = firstByKey.get(key);
    if (first) pairs.push([first, trial]);
    else firstByKey.set(key, trial);
  }
  if (!pairs.length) return [];
  const [original, copy] = pairs[0]!;
  const count = pairs.length === 1 ? 'One trial repeats another' : `${pairs.length} trials repeat others`;
  return [
    `${count}: trial ${copy.plan.index + 1} (${settings(copy.plan.overrides)}) would train exactly like trial ${original.plan.index + 1} (${settings(original.plan.overrides)}), ${duplicateReason(original, copy)}.`,
  ];
}

/** Why two trials with different settings train alike. */
function duplicateReason(a: TrialFacts, b: TrialFacts): string {
  const paths = Object.keys(b.plan.overrides).filter(
    (path) => JSON.stringify(a.plan.overrides[path]) !== JSON.stringify(b.plan.overrides[path]),
  );
  if (!paths.length) return 'because an axis repeats a value';
  if (paths.every((path) => path.startsWith('pruning.'))) {
    const effect = b.plan.spec.pruning ? pruningEffect(b.plan.spec.pruning, b.totalSteps) : null;
    return effect && effect.reached > 0
      ? `because in ${b.totalSteps} steps both update the pruning masks at the same steps to the same sparsity`
      : `because in ${b.totalSteps} steps neither prunes a weight`;
  }
  if (paths.every((path) => path === 'epochs' || path === 'steps') && lengthSetBy(b.plan.spec) === 'stages') {
    return `because the piecewise stages, given in steps, set the length (${b.totalSteps} steps) whatever the epochs`;
  }
  return `because ${paths.join(', ')} come${paths.length === 1 ? 's' : ''} out the same in a run of ${b.totalSteps} steps`;
}

/**
 * What decides how a trial trains: its spec with lengths resolved to this run's steps, the name
 * dropped, and pruning reduced to the mask updates that happen inside the run.
 */
function effectiveKey(trial: TrialFacts): string {
  const { spec } = trial.plan;
  const decisive: Record<string, unknown> = {
    ...spec,
    totalSteps: trial.totalSteps,
    schedule: absoluteSchedule(spec.schedule, trial.totalSteps),
    pruning: effectivePruning(spec.pruning, trial.totalSteps),
  };
  delete decisive.name;
  delete decisive.epochs;
  delete decisive.steps;
  return JSON.stringify(decisive);
}

function effectivePruning(pruning: TrainSpec['pruning'], totalSteps: number): unknown {
  if (!pruning) return null;
  const effect = pruningEffect(pruning, totalSteps);
  if (effect.invalid) return pruning;
  if (effect.updates === 0 || effect.reached === 0) return null;
  const { steps } = effect;
  const updates = { first: effect.firstUpdate, last: effect.lastUpdate, every: steps.frequency };
  if (steps.kind === 'constant') return { sparsity: steps.sparsity, ...updates };
  // One update prunes to the sparsity of its step, whatever the rest of the schedule.
  if (effect.updates === 1) return { sparsity: effect.reached, ...updates };
  return { ...steps, ...updates };
}

function scope(count: number, total: number, example: TrialFacts): string {
  if (count === total) return total === 1 ? 'In the trial' : 'In every trial';
  return `In ${count} of ${total} trials (${count === 1 ? '' : 'e.g. '}trial ${example.plan.index + 1}: ${settings(example.plan.overrides)})`;
}

function settings(overrides: Record<string, unknown>): string {
  return (
    Object.entries(overrides)
      .map(([path, value]) => `${path}=${JSON.stringify(value)}`)
      .join(', ') || 'the base'
  );
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
