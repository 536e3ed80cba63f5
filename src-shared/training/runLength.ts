import type { TrainSpec } from '../model/TrainSpec.ts';
import { totalStepsOf } from './totalStepsOf.ts';

export interface RunLength {
  batchesPerEpoch: number;
  /** Optimizer steps per epoch: batches over gradient accumulation (a last partial group is a step). */
  stepsPerEpoch: number;
  totalSteps: number;
  /** Epochs started, the last perhaps cut short by the step count. */
  epochs: number;
}

/** How long a spec trains on a training split of `trainExamples`, counted as the training loop counts it. */
export function runLength(
  trainExamples: number,
  spec: Pick<TrainSpec, 'schedule' | 'epochs' | 'steps' | 'batchSize' | 'gradientAccumulation'>,
): RunLength {
  // NaN rather than a throw: the Train page asks while a field is half typed.
  const batchesPerEpoch = spec.batchSize > 0 ? Math.ceil(trainExamples / spec.batchSize) : NaN;
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / Math.max(1, spec.gradientAccumulation));
  const totalSteps = totalStepsOf(spec.schedule, spec.epochs, stepsPerEpoch, spec.steps);
  return {
    batchesPerEpoch,
    stepsPerEpoch,
    totalSteps,
    epochs: stepsPerEpoch > 0 ? Math.ceil(totalSteps / stepsPerEpoch) : NaN,
  };
}
