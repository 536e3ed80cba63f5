import type { TrainSpec } from '../model/TrainSpec.ts';
import { halfCycleOf, warmupStepsOf } from './learningRateAt.ts';
import { pruningEffect } from './pruningEffect.ts';

export type SpecWarningCode =
  | 'pruning-invalid'
  | 'pruning-never-starts'
  | 'pruning-never-updates'
  | 'pruning-removes-nothing'
  | 'pruning-unfinished'
  | 'warmup-whole-run'
  | 'cycle-longer-than-run';

/** Something in a valid spec that will not do what it seems to in a run of this length. */
export interface SpecWarning {
  code: SpecWarningCode;
  /** The spec field it is about: "pruning" or "schedule". */
  field: 'pruning' | 'schedule';
  message: string;
}

const percent = (value: number) => `${Number((value * 100).toFixed(1))} %`;

/**
 * Warnings for a spec that trains `totalSteps` optimizer steps: a pruning schedule that never
 * prunes or stops short of its sparsity, a warm-up or cycle longer than the run. Not errors: the run
 * can start, it just will not do what its spec seems to ask.
 */
export function trainSpecWarnings(spec: Pick<TrainSpec, 'schedule' | 'pruning'>, totalSteps: number): SpecWarning[] {
  if (!(totalSteps > 0)) return [];
  const warnings: SpecWarning[] = [];
  const pruning = spec.pruning;
  if (pruning) {
    const effect = pruningEffect(pruning, totalSteps);
    const { beginStep, endStep, frequency } = effect.steps;
    const absolute =
      pruning.beginFraction === undefined ||
      pruning.endFraction === undefined ||
      pruning.frequencyFraction === undefined;
    const tip = absolute
      ? ' Time it as shares of the run (beginFraction, endFraction, frequencyFraction) to fit any length.'
      : '';
    const warn = (code: SpecWarningCode, message: string) =>
      warnings.push({ code, field: 'pruning', message: `${message}${code === 'pruning-invalid' ? '' : tip}` });
    if (effect.invalid) warn('pruning-invalid', `Pruning cannot run ${totalSteps} steps: ${effect.invalid}.`);
    else if (beginStep > totalSteps)
      warn(
        'pruning-never-starts',
        `Pruning never starts: it begins at step ${beginStep}, after the run's last step (${totalSteps}).`,
      );
    else if (effect.updates === 0) {
      warn(
        'pruning-never-updates',
        `Pruning never updates its masks: the first update would come at step ${effect.firstUpdate} (every ${frequency} steps from step ${beginStep}), after the run's last step (${totalSteps}).`,
      );
    } else if (effect.reached === 0) {
      warn(
        'pruning-removes-nothing',
        `Pruning never removes a weight: ${effect.updates === 1 ? `its one mask update (step ${effect.lastUpdate}) asks` : `its ${effect.updates} mask updates ask`} for 0 % sparsity before the run ends (step ${totalSteps}).`,
      );
    } else if (effect.target - effect.reached > 0.005 && endStep > totalSteps) {
      warn(
        'pruning-unfinished',
        `Pruning reaches only ${percent(effect.reached)} of its ${percent(effect.target)} sparsity: its schedule ends at step ${endStep}, the run at step ${totalSteps}.`,
      );
    }
  }
  const schedule = spec.schedule;
  if (schedule.kind === 'cosine') {
    const warmup = warmupStepsOf(schedule, totalSteps);
    if (warmup >= totalSteps) {
      warnings.push({
        code: 'warmup-whole-run',
        field: 'schedule',
        message: `The warm-up (${warmup} steps) lasts the whole run (${totalSteps} steps): the learning rate never decays.`,
      });
    }
  } else if (schedule.kind === 'cyclical') {
    const half = halfCycleOf(schedule, totalSteps);
    if (half >= totalSteps) {
      warnings.push({
        code: 'cycle-longer-than-run',
        field: 'schedule',
        message: `The learning rate only rises: a half cycle (${Math.round(half)} steps) is at least as long as the run (${totalSteps} steps).`,
      });
    }
  }
  return warnings;
}
