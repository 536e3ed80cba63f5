import type { ScheduleSpec } from '../model/TrainSpec.ts';

/**
 * Steps a spec trains for: a piecewise schedule's own total when its stages are in steps, else
 * `steps` when given, else epochs × steps per epoch.
 */
export function totalStepsOf(schedule: ScheduleSpec, epochs: number, stepsPerEpoch: number, steps?: number): number {
  if (schedule.kind === 'piecewise' && schedule.steps) return schedule.steps.reduce((sum, count) => sum + count, 0);
  return steps ?? epochs * stepsPerEpoch;
}

/** What sets a spec's length when its epochs do not: the piecewise stages in steps, or `steps`; null when epochs do. */
export function lengthSetBy(spec: { schedule: ScheduleSpec; steps?: number | undefined }): 'stages' | 'steps' | null {
  if (spec.schedule.kind === 'piecewise' && spec.schedule.steps) return 'stages';
  return spec.steps !== undefined ? 'steps' : null;
}
