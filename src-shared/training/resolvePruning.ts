import type { PruningSpec, PruningSteps } from '../model/TrainSpec.ts';

/**
 * A pruning schedule's timing in optimizer steps for a run of `totalSteps`, so TF-MOT's semantics
 * apply unchanged from here on. Shares of the run round to the nearest step (a frequency to at least
 * 1). An end given as a share is moved to the nearest mask update, never past the run's last step,
 * so polynomial decay reaches its final sparsity there; an end given in steps is kept as it is.
 */
export function resolvePruning(spec: PruningSpec, totalSteps: number): PruningSteps {
  const at = (fraction: number) => Math.round(fraction * totalSteps);
  const frequency = spec.frequency ?? Math.max(1, at(spec.frequencyFraction ?? 0));
  const beginStep = spec.beginStep ?? at(spec.beginFraction ?? 0);
  let endStep = spec.endStep;
  if (endStep === undefined) {
    const updates = Math.round(((spec.endFraction ?? 1) * totalSteps - beginStep) / frequency);
    endStep = beginStep + updates * frequency;
    if (endStep > totalSteps) endStep -= frequency;
    endStep = Math.max(endStep, beginStep);
  }
  const timing = { beginStep, endStep, frequency };
  return spec.kind === 'constant'
    ? { kind: 'constant', sparsity: spec.sparsity, ...timing }
    : {
        kind: 'polynomial',
        initialSparsity: spec.initialSparsity,
        finalSparsity: spec.finalSparsity,
        power: spec.power,
        ...timing,
      };
}
