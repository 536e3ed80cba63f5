import type { SweepSpec } from '../../../src-shared/model/SweepSpec.ts';
import { expandSweep } from '../../../src-shared/sweep/expandSweep.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import { addTrial, getSweep, listTrials } from './sweepStore.ts';

/** Stable JSON (keys sorted), so two override sets compare by content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Adds trials to a sweep that exists (running, paused or finished): the new spec may add axis values,
 * axes with a base value, or more random draws; the configurations it has that the sweep has not run
 * yet are queued. The base spec and the strategy stay as they were, so old and new trials compare.
 * Returns how many trials were added.
 */
export function extendSweep(project: OpenProject, sweepId: string, spec: SweepSpec): number {
  const db = project.db;
  const sweep = getSweep(db, sweepId);
  if (!sweep) throw new Error(`There is no sweep ${sweepId} in this project.`);
  if (sweep.status === 'cancelled') throw new Error(`Sweep ${sweepId} was cancelled; start a new sweep instead.`);
  if (canonical(spec.base) !== canonical(sweep.spec.base))
    throw new Error('Adding trials keeps the base spec; change only the axes (or the number of random trials).');
  if (spec.strategy.kind !== sweep.spec.strategy.kind)
    throw new Error(`Adding trials keeps the strategy (${sweep.spec.strategy.kind}).`);
  const trials = listTrials(db, sweepId);
  if (spec.strategy.kind === 'halving' && trials.some((trial) => trial.rung > 0)) {
    throw new Error(
      'Successive halving has promoted trials already; new trials could no longer compete in the first rung. Start a new sweep.',
    );
  }
  const known = new Set(trials.filter((trial) => trial.rung === 0).map((trial) => canonical(trial.overrides)));
  const fresh = expandSweep(spec).filter((trial) => !known.has(canonical(trial.overrides)));
  const halving = spec.strategy.kind === 'halving' ? spec.strategy : null;
  let config = Math.max(-1, ...trials.map((trial) => trial.config)) + 1;
  db.transaction(() => {
    for (const trial of fresh)
      addTrial(db, sweepId, config++, 0, halving ? halving.minEpochs : trial.spec.epochs, trial.overrides);
    db.prepare('UPDATE sweeps SET spec_json = ? WHERE id = ?').run(JSON.stringify(spec), sweepId);
  })();
  return fresh.length;
}
