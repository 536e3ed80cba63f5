import type { ScheduleSpec } from '../../../src-shared/model/TrainSpec.ts';

/** The learning rate at optimizer step `step` (0-based) of `totalSteps`. */
export function learningRateAt(schedule: ScheduleSpec, step: number, totalSteps: number): number {
  const progress = totalSteps > 1 ? Math.min(1, step / (totalSteps - 1)) : 1;
  switch (schedule.kind) {
    case 'constant':
      return schedule.rate;
    case 'piecewise': {
      // TF speech_commands: rates[i] for the steps[i] steps after the earlier stages.
      let end = 0;
      for (let i = 0; i < schedule.steps.length; i++) {
        end += schedule.steps[i]!;
        if (step < end) return schedule.rates[i]!;
      }
      return schedule.rates.at(-1)!;
    }
    case 'exponential':
      return schedule.initial * (schedule.final / schedule.initial) ** progress;
    case 'polynomial':
      return (schedule.initial - schedule.final) * (1 - progress) ** schedule.power + schedule.final;
    case 'cosine': {
      if (step < schedule.warmupSteps) return (schedule.initial * (step + 1)) / schedule.warmupSteps;
      const span = Math.max(1, totalSteps - 1 - schedule.warmupSteps);
      const after = Math.min(1, (step - schedule.warmupSteps) / span);
      return schedule.final + 0.5 * (schedule.initial - schedule.final) * (1 + Math.cos(Math.PI * after));
    }
    case 'cyclical': {
      // Triangular (Smith 2017): low → high → low every 2 · stepsPerHalfCycle steps.
      const position = (step / schedule.stepsPerHalfCycle) % 2;
      return schedule.low + (schedule.high - schedule.low) * (1 - Math.abs(position - 1));
    }
  }
}

/** Steps a spec trains for: a piecewise schedule's own total, else `steps` when given, else epochs × steps per epoch. */
export function totalStepsOf(schedule: ScheduleSpec, epochs: number, stepsPerEpoch: number, steps?: number): number {
  if (schedule.kind === 'piecewise') return schedule.steps.reduce((sum, count) => sum + count, 0);
  return steps ?? epochs * stepsPerEpoch;
}
