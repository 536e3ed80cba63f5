import type { PruningSpec, PruningSteps } from '../model/TrainSpec.ts';
import { pruningSchedule } from './pruningSchedule.ts';
import { resolvePruning } from './resolvePruning.ts';

/** What a pruning schedule does within a run of a given length. */
export interface PruningEffect {
  steps: PruningSteps;
  /** The first step that would update the masks, inside the run or not. */
  firstUpdate: number;
  /** Mask updates inside the run. */
  updates: number;
  /** The last of them; null without any. */
  lastUpdate: number | null;
  /** The sparsity the masks hold when the run ends (0 without updates). */
  reached: number;
  /** The sparsity the schedule aims for. */
  target: number;
  /** Why the resolved schedule cannot run (TF-MOT's checks), or null. */
  invalid: string | null;
}

/**
 * Counts the mask updates of a pruning schedule in a run of `totalSteps` without walking every step:
 * TF-MOT updates at begin, begin + frequency, … up to the end, counting steps from 1.
 */
export function pruningEffect(spec: PruningSpec, totalSteps: number): PruningEffect {
  const steps = resolvePruning(spec, totalSteps);
  const { beginStep, endStep, frequency } = steps;
  const target = steps.kind === 'constant' ? steps.sparsity : steps.finalSparsity;
  const firstUpdate = beginStep >= 1 ? beginStep : frequency;
  const limit = endStep < 0 ? totalSteps : Math.min(endStep, totalSteps);
  const updates = firstUpdate > limit ? 0 : Math.floor((limit - firstUpdate) / frequency) + 1;
  const lastUpdate = updates > 0 ? firstUpdate + (updates - 1) * frequency : null;
  let schedule: ReturnType<typeof pruningSchedule>;
  try {
    schedule = pruningSchedule(steps);
  } catch (error) {
    return {
      steps,
      firstUpdate,
      updates,
      lastUpdate,
      reached: 0,
      target,
      invalid: error instanceof Error ? error.message : String(error),
    };
  }
  return {
    steps,
    firstUpdate,
    updates,
    lastUpdate,
    reached: lastUpdate === null ? 0 : schedule(lastUpdate).sparsity,
    target,
    invalid: null,
  };
}
