import { createRandom } from '../random/createRandom.ts';
import type { SweepAxis, SweepSpec, SweepTrialPlan } from '../model/SweepSpec.ts';
import type { TrainSpec } from '../model/TrainSpec.ts';

/**
 * The trials a sweep runs: the cartesian product of the value lists (grid, and halving without a
 * trial count), or `trials` seeded draws (random, and halving with one) — value lists uniformly,
 * ranges linearly or on a log scale. Each trial's spec is the base with its overrides set.
 */
export function expandSweep(sweep: SweepSpec): SweepTrialPlan[] {
  const { strategy } = sweep;
  const draws = strategy.kind === 'random' ? strategy.trials : strategy.kind === 'halving' ? strategy.trials : null;
  const overrides: Record<string, unknown>[] =
    draws === null ? gridOf(sweep.axes) : randomOf(sweep.axes, draws, strategy.kind === 'grid' ? 0 : strategy.seed);
  return overrides.map((values, index) => ({
    index,
    overrides: values,
    spec: withOverrides(sweep.base, values, index),
  }));
}

/** How many trials a sweep makes, without building them (a grid's product can be large). */
export function sweepTrialCount(sweep: SweepSpec): number {
  const { strategy } = sweep;
  if (strategy.kind === 'random') return strategy.trials;
  if (strategy.kind === 'halving' && strategy.trials !== null) return strategy.trials;
  return sweep.axes.reduce((product, axis) => product * ('values' in axis ? axis.values.length : 1), 1);
}

function gridOf(axes: readonly SweepAxis[]): Record<string, unknown>[] {
  let combinations: Record<string, unknown>[] = [{}];
  for (const axis of axes) {
    if (!('values' in axis))
      throw new RangeError(`a grid needs value lists; "${axis.path}" is a range (use random search for ranges)`);
    combinations = combinations.flatMap((partial) => axis.values.map((value) => ({ ...partial, [axis.path]: value })));
  }
  return combinations;
}

function randomOf(axes: readonly SweepAxis[], trials: number, seed: number): Record<string, unknown>[] {
  const random = createRandom(seed);
  return Array.from({ length: trials }, () =>
    Object.fromEntries(
      axes.map((axis) => {
        if ('values' in axis) return [axis.path, random.pick(axis.values)];
        const { min, max, scale, integer } = axis.range;
        const drawn =
          scale === 'log' ? Math.exp(random.uniform(Math.log(min), Math.log(max))) : random.uniform(min, max);
        return [axis.path, integer ? Math.round(drawn) : drawn];
      }),
    ),
  );
}

/** A deep copy of `base` with each dot path set; a path that does not exist in the base is an error. */
export function withOverrides(base: TrainSpec, overrides: Record<string, unknown>, index = 0): TrainSpec {
  // Specs are plain JSON, so a JSON round trip is a deep copy.
  const spec = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  for (const [path, value] of Object.entries(overrides)) {
    const keys = path.split('.');
    let node: Record<string, unknown> = spec;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (next === null)
        throw new RangeError(
          `axis "${path}" sets a field of "${key}", which is off (null) in the base spec: turn it on in the base, or drop the axis`,
        );
      if (typeof next !== 'object')
        throw new RangeError(`axis "${path}" does not lead to a field of the base spec (no "${key}")`);
      node = next as Record<string, unknown>;
    }
    const last = keys.at(-1)!;
    if (!(last in node)) throw new RangeError(`axis "${path}" names no field of the base spec ("${last}" is missing)`);
    node[last] = JSON.parse(JSON.stringify(value)) as unknown;
  }
  const name = (spec.name as string | undefined) ?? 'trial';
  spec.name = `${name} #${index + 1}`;
  return spec as unknown as TrainSpec;
}
