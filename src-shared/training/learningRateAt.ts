import type { ScheduleSpec } from '../model/TrainSpec.ts';

/**
 * The learning rate at optimizer step `step` (0-based) of `totalSteps`. Lengths given as shares of
 * the run scale with it: a piecewise stage ends at step round(its cumulative share × totalSteps).
 */
export function learningRateAt(schedule: ScheduleSpec, step: number, totalSteps: number): number {
  const progress = totalSteps > 1 ? Math.min(1, step / (totalSteps - 1)) : 1;
  switch (schedule.kind) {
    case 'constant':
      return schedule.rate;
    case 'piecewise': {
      // TF speech_commands: rates[i] for the steps[i] steps after the earlier stages.
      const ends = stageEnds(schedule, totalSteps);
      const stage = ends.findIndex((end) => step < end);
      return schedule.rates[stage === -1 ? schedule.rates.length - 1 : stage]!;
    }
    case 'exponential':
      return schedule.initial * (schedule.final / schedule.initial) ** progress;
    case 'polynomial':
      return (schedule.initial - schedule.final) * (1 - progress) ** schedule.power + schedule.final;
    case 'cosine': {
      const warmup = warmupStepsOf(schedule, totalSteps);
      if (step < warmup) return (schedule.initial * (step + 1)) / warmup;
      const span = Math.max(1, totalSteps - 1 - warmup);
      const after = Math.min(1, (step - warmup) / span);
      return schedule.final + 0.5 * (schedule.initial - schedule.final) * (1 + Math.cos(Math.PI * after));
    }
    case 'cyclical': {
      // Triangular (Smith 2017): low → high → low every two half cycles.
      const position = (step / halfCycleOf(schedule, totalSteps)) % 2;
      return schedule.low + (schedule.high - schedule.low) * (1 - Math.abs(position - 1));
    }
  }
}

/** The step (exclusive) at which each piecewise stage ends. */
export function stageEnds(schedule: Extract<ScheduleSpec, { kind: 'piecewise' }>, totalSteps: number): number[] {
  let sum = 0;
  if (schedule.steps) return schedule.steps.map((steps) => (sum += steps));
  return (schedule.fractions ?? []).map((fraction) => Math.round((sum += fraction) * totalSteps));
}

/** Warm-up steps of a cosine schedule: as given, or its share of the run rounded to whole steps. */
export function warmupStepsOf(schedule: Extract<ScheduleSpec, { kind: 'cosine' }>, totalSteps: number): number {
  return schedule.warmupSteps ?? Math.round((schedule.warmupFraction ?? 0) * totalSteps);
}

/** Steps from low to high of a cyclical schedule: as given, or the run split into whole cycles (not rounded). */
export function halfCycleOf(schedule: Extract<ScheduleSpec, { kind: 'cyclical' }>, totalSteps: number): number {
  return schedule.stepsPerHalfCycle ?? Math.max(1e-9, totalSteps / (2 * (schedule.cyclesPerRun ?? 1)));
}
