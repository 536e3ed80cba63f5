import { describe, expect, it } from 'vitest';
import { learningRateAt, totalStepsOf } from '../../src-main/services/training/learningRateAt.ts';
import type { ScheduleSpec } from '../../src-shared/model/TrainSpec.ts';

describe('learning-rate schedules', () => {
  it("follow TF speech_commands' piecewise stages and set the run's length", () => {
    const schedule: ScheduleSpec = { kind: 'piecewise', steps: [15000, 3000], rates: [0.001, 0.0001] };
    expect(learningRateAt(schedule, 0, 18000)).toBe(0.001);
    expect(learningRateAt(schedule, 14999, 18000)).toBe(0.001);
    expect(learningRateAt(schedule, 15000, 18000)).toBe(0.0001);
    expect(learningRateAt(schedule, 17999, 18000)).toBe(0.0001);
    expect(totalStepsOf(schedule, 99, 10)).toBe(18000);
    expect(totalStepsOf({ kind: 'constant', rate: 0.1 }, 7, 10)).toBe(70);
    expect(totalStepsOf({ kind: 'constant', rate: 0.1 }, 7, 10, 25)).toBe(25);
  });

  it('decay from the initial to the final rate over the run', () => {
    const exponential = { kind: 'exponential', initial: 0.01, final: 1e-5 } as const;
    expect(learningRateAt(exponential, 0, 101)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(exponential, 50, 101)).toBeCloseTo(Math.sqrt(0.01 * 1e-5), 12);
    expect(learningRateAt(exponential, 100, 101)).toBeCloseTo(1e-5, 12);
    const polynomial = { kind: 'polynomial', initial: 0.01, final: 0.001, power: 2 } as const;
    expect(learningRateAt(polynomial, 50, 101)).toBeCloseTo(0.009 * 0.25 + 0.001, 12);
    expect(learningRateAt(polynomial, 100, 101)).toBeCloseTo(0.001, 12);
  });

  it('warm up linearly, then follow a half cosine down to the final rate', () => {
    const cosine = { kind: 'cosine', initial: 0.002, final: 0.0001, warmupSteps: 10 } as const;
    expect(learningRateAt(cosine, 0, 111)).toBeCloseTo(0.0002, 12);
    expect(learningRateAt(cosine, 9, 111)).toBeCloseTo(0.002, 12);
    expect(learningRateAt(cosine, 10, 111)).toBeCloseTo(0.002, 12);
    expect(learningRateAt(cosine, 60, 111)).toBeCloseTo((0.002 + 0.0001) / 2, 12);
    expect(learningRateAt(cosine, 110, 111)).toBeCloseTo(0.0001, 12);
  });

  it('cycle triangularly between the low and high rates', () => {
    const cyclical = { kind: 'cyclical', low: 0.001, high: 0.005, stepsPerHalfCycle: 4 } as const;
    expect([0, 2, 4, 6, 8].map((step) => learningRateAt(cyclical, step, 100))).toEqual([0.001, 0.003, 0.005, 0.003, 0.001]);
  });
});
