import type { ScheduleSpec } from '../model/TrainSpec.ts';
import { halfCycleOf, stageEnds, warmupStepsOf } from './learningRateAt.ts';

const share = (value: number, digits = 4) => Number(Math.min(1, Math.max(0, value)).toPrecision(digits));

/**
 * The same schedule with its lengths as shares of a run of `totalSteps`, so it keeps its shape when
 * the run's length changes. Piecewise stages in steps become their shares of the stages' total
 * (which was the run's length), rounded so they still add up to exactly 1.
 */
export function relativeSchedule(schedule: ScheduleSpec, totalSteps: number): ScheduleSpec {
  if (schedule.kind === 'piecewise' && schedule.steps) {
    const sum = schedule.steps.reduce((total, steps) => total + steps, 0);
    const fractions = schedule.steps.map((steps) => share(steps / sum, 6));
    fractions[fractions.length - 1] = share(
      1 - fractions.slice(0, -1).reduce((total, fraction) => total + fraction, 0),
      6,
    );
    return { kind: 'piecewise', fractions, rates: schedule.rates };
  }
  if (schedule.kind === 'cosine' && schedule.warmupSteps !== undefined) {
    return {
      kind: 'cosine',
      initial: schedule.initial,
      final: schedule.final,
      warmupFraction: Math.min(0.99, share(schedule.warmupSteps / totalSteps)),
    };
  }
  if (schedule.kind === 'cyclical' && schedule.stepsPerHalfCycle !== undefined) {
    return {
      kind: 'cyclical',
      low: schedule.low,
      high: schedule.high,
      cyclesPerRun: Number((totalSteps / (2 * schedule.stepsPerHalfCycle)).toPrecision(3)),
    };
  }
  return schedule;
}

/** The same schedule with its lengths in steps, as they come out in a run of `totalSteps`. */
export function absoluteSchedule(schedule: ScheduleSpec, totalSteps: number): ScheduleSpec {
  if (schedule.kind === 'piecewise' && !schedule.steps) {
    const ends = stageEnds(schedule, totalSteps);
    return {
      kind: 'piecewise',
      steps: ends.map((end, index) => Math.max(1, end - (ends[index - 1] ?? 0))),
      rates: schedule.rates,
    };
  }
  if (schedule.kind === 'cosine' && schedule.warmupSteps === undefined) {
    return {
      kind: 'cosine',
      initial: schedule.initial,
      final: schedule.final,
      warmupSteps: warmupStepsOf(schedule, totalSteps),
    };
  }
  if (schedule.kind === 'cyclical' && schedule.stepsPerHalfCycle === undefined) {
    return {
      kind: 'cyclical',
      low: schedule.low,
      high: schedule.high,
      stepsPerHalfCycle: Math.max(1, Math.round(halfCycleOf(schedule, totalSteps))),
    };
  }
  return schedule;
}
