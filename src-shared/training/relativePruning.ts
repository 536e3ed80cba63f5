import type { PruningSparsity, PruningSpec } from '../model/TrainSpec.ts';
import { resolvePruning } from './resolvePruning.ts';

const share = (value: number) => Number(Math.min(1, Math.max(0, value)).toPrecision(4));

/** The same pruning schedule timed as shares of a run of `totalSteps` (an end of −1, "to the end", becomes 1). */
export function relativePruning(spec: PruningSpec, totalSteps: number): PruningSpec {
  const { beginStep, endStep, frequency } = resolvePruning(spec, totalSteps);
  const timing = {
    beginFraction: share(beginStep / totalSteps),
    endFraction: endStep < 0 ? 1 : share(endStep / totalSteps),
    frequencyFraction: Math.max(share(frequency / totalSteps), 0.0001),
  };
  return { ...sparsityOf(spec), ...timing };
}

/** The same pruning schedule timed in optimizer steps, as it comes out in a run of `totalSteps`. */
export function absolutePruning(spec: PruningSpec, totalSteps: number): PruningSpec {
  return resolvePruning(spec, totalSteps);
}

function sparsityOf(spec: PruningSpec): PruningSparsity {
  return spec.kind === 'constant'
    ? { kind: 'constant', sparsity: spec.sparsity }
    : {
        kind: 'polynomial',
        initialSparsity: spec.initialSparsity,
        finalSparsity: spec.finalSparsity,
        power: spec.power,
      };
}
