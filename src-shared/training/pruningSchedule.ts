import type { PruningSteps } from '../model/TrainSpec.ts';
import { PruningSpecError } from './PruningSpecError.ts';

/** What the schedule says at one training step: update the masks now, and to which sparsity. */
export interface PruningStepDecision {
  shouldPrune: boolean;
  /** The fraction of each layer's weights to zero, as a float32 value like tfmot's. */
  sparsity: number;
}

/** tfmot's `ConstantSparsity(target_sparsity, begin_step, end_step=-1, frequency=100)`. */
export function constantSparsity(sparsity: number, beginStep: number, endStep = -1, frequency = 100): PruningSteps {
  return { kind: 'constant', sparsity, beginStep, endStep, frequency };
}

/** tfmot's `PolynomialDecay(initial_sparsity, final_sparsity, begin_step, end_step, power=3, frequency=100)`. */
export function polynomialDecay(
  initialSparsity: number,
  finalSparsity: number,
  beginStep: number,
  endStep: number,
  power = 3,
  frequency = 100,
): PruningSteps {
  return { kind: 'polynomial', initialSparsity, finalSparsity, beginStep, endStep, power, frequency };
}

const f32 = Math.fround;

/**
 * The schedule as a function of the step, with tfmot's semantics. Steps count like tfmot's
 * `pruning_step` during `fit`: the n-th training batch is step n (1-based), so a schedule that
 * begins at 0 first prunes at step `frequency`. Sparsities are computed in float32 in tfmot's
 * order of operations, so the number of weights kept rounds exactly as it does there. A spec with
 * timing as shares of the run is resolved to steps first (resolvePruning).
 */
export function pruningSchedule(spec: PruningSteps): (step: number) => PruningStepDecision {
  validatePruningSpec(spec);
  if (spec.kind === 'constant') {
    const sparsity = f32(spec.sparsity);
    return (step) => ({ shouldPrune: shouldPruneInStep(step, spec.beginStep, spec.endStep, spec.frequency), sparsity });
  }
  const { initialSparsity, finalSparsity, beginStep, endStep, power, frequency } = spec;
  return (step) => {
    // tfmot divides 0 by 0 when end == begin and gets NaN; a jump to the final sparsity is what is meant.
    const progress =
      endStep === beginStep ? (step >= endStep ? 1 : 0) : f32(f32(step - beginStep) / f32(endStep - beginStep));
    const p = Math.min(1, Math.max(0, progress));
    const decay = f32(Math.pow(f32(1 - p), f32(power)));
    const sparsity = f32(f32(f32(initialSparsity - finalSparsity) * decay) + f32(finalSparsity));
    return { shouldPrune: shouldPruneInStep(step, beginStep, endStep, frequency), sparsity };
  };
}

/** tfmot's `_should_prune_in_step`: inside [begin, end] (end −1: forever), every `frequency` steps. */
export function shouldPruneInStep(step: number, beginStep: number, endStep: number, frequency: number): boolean {
  const inRange = step >= beginStep && (step <= endStep || endStep < 0);
  // floormod, as in TensorFlow: never negative for a positive frequency.
  const turn = (((step - beginStep) % frequency) + frequency) % frequency === 0;
  return inRange && turn;
}

/** tfmot's `_validate_step` and `_validate_sparsity`, with the same limits. */
export function validatePruningSpec(spec: PruningSteps): void {
  const integer = (value: number, field: string): void => {
    if (!Number.isInteger(value))
      throw new PruningSpecError(`pruning.${field} must be a whole number of steps, got ${value}`);
  };
  integer(spec.beginStep, 'beginStep');
  integer(spec.endStep, 'endStep');
  integer(spec.frequency, 'frequency');
  if (spec.beginStep < 0) throw new PruningSpecError(`pruning.beginStep must be ≥ 0, got ${spec.beginStep}`);
  if (spec.kind === 'polynomial' && spec.endStep === -1)
    throw new PruningSpecError('pruning.endStep cannot be −1 for polynomial decay: the decay needs an end');
  if (spec.endStep !== -1 && spec.endStep < spec.beginStep) {
    throw new PruningSpecError(`pruning.endStep (${spec.endStep}) must be −1 or ≥ beginStep (${spec.beginStep})`);
  }
  if (spec.frequency <= 0) throw new PruningSpecError(`pruning.frequency must be > 0, got ${spec.frequency}`);
  const sparsities =
    spec.kind === 'constant'
      ? { sparsity: spec.sparsity }
      : { initialSparsity: spec.initialSparsity, finalSparsity: spec.finalSparsity };
  for (const [field, value] of Object.entries(sparsities)) {
    if (!(value >= 0 && value < 1)) throw new PruningSpecError(`pruning.${field} must be in [0, 1), got ${value}`);
  }
  if (spec.kind === 'polynomial' && !Number.isFinite(spec.power))
    throw new PruningSpecError(`pruning.power must be a number, got ${spec.power}`);
}
