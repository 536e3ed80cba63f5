import { describe, expect, it } from 'vitest';
import { parseTrainSpec } from '../../src-shared/contract/trainSpecSchema.ts';
import type { ScheduleSpec, TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { learningRateAt } from '../../src-shared/training/learningRateAt.ts';
import { absoluteSchedule, relativeSchedule } from '../../src-shared/training/relativeSchedule.ts';
import { runLength } from '../../src-shared/training/runLength.ts';
import { totalStepsOf } from '../../src-shared/training/totalStepsOf.ts';
import { smallSpec } from '../support/trainingData.ts';

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
    expect([0, 2, 4, 6, 8].map((step) => learningRateAt(cyclical, step, 100))).toEqual([
      0.001, 0.003, 0.005, 0.003, 0.001,
    ]);
  });

  it('keep their shape over a 20- and a 200-epoch run when lengths are shares of the run', () => {
    // 5 steps per epoch: 100 and 1000 steps.
    const at = (schedule: ScheduleSpec, epochs: number, share: number) => {
      const total = totalStepsOf(schedule, epochs, 5);
      return learningRateAt(schedule, Math.round(share * total), total);
    };
    const shares = Array.from({ length: 100 }, (_, i) => i / 100);
    const piecewise: ScheduleSpec = { kind: 'piecewise', fractions: [0.5, 0.3, 0.2], rates: [0.001, 0.0002, 0.00004] };
    expect(totalStepsOf(piecewise, 20, 5)).toBe(100);
    expect(totalStepsOf(piecewise, 200, 5)).toBe(1000);
    expect(shares.map((share) => at(piecewise, 200, share))).toEqual(shares.map((share) => at(piecewise, 20, share)));
    expect([0, 0.49, 0.5, 0.79, 0.8, 0.99].map((share) => at(piecewise, 20, share))).toEqual([
      0.001, 0.001, 0.0002, 0.0002, 0.00004, 0.00004,
    ]);
    const cyclical: ScheduleSpec = { kind: 'cyclical', low: 0.001, high: 0.005, cyclesPerRun: 2 };
    expect(shares.map((share) => at(cyclical, 200, share))).toEqual(shares.map((share) => at(cyclical, 20, share)));
    [0.001, 0.0026, 0.005, 0.001, 0.005].forEach((rate, i) =>
      expect(at(cyclical, 20, [0, 0.1, 0.25, 0.5, 0.75][i]!)).toBeCloseTo(rate, 12),
    );
    // Continuous schedules count progress over totalSteps − 1 (as before): equal to within a step of the short run.
    const cosine: ScheduleSpec = { kind: 'cosine', initial: 0.002, final: 0.00002, warmupFraction: 0.1 };
    for (const share of shares)
      expect(Math.abs(at(cosine, 200, share) - at(cosine, 20, share))).toBeLessThan(0.002 / 10 + 1e-12);
    expect(at(cosine, 20, 0.09)).toBeCloseTo(0.002, 12);
    expect(at(cosine, 200, 0.099)).toBeCloseTo(0.002, 12);
  });

  it('take piecewise stage lengths in steps (setting the length) or as shares (epochs set it)', () => {
    const tf: ScheduleSpec = { kind: 'piecewise', steps: [15000, 3000], rates: [0.001, 0.0001] };
    const spec: TrainSpec = { ...smallSpec(20), schedule: tf, batchSize: 10 };
    expect(runLength(95, spec)).toEqual({ batchesPerEpoch: 10, stepsPerEpoch: 10, totalSteps: 18000, epochs: 1800 });
    const relative = relativeSchedule(tf, 18000);
    expect(relative).toEqual({ kind: 'piecewise', fractions: [0.833333, 0.166667], rates: [0.001, 0.0001] });
    expect(runLength(95, { ...spec, schedule: relative })).toEqual({
      batchesPerEpoch: 10,
      stepsPerEpoch: 10,
      totalSteps: 200,
      epochs: 20,
    });
    expect(runLength(95, { ...spec, schedule: relative, steps: 55 })).toMatchObject({ totalSteps: 55, epochs: 6 });
    expect(absoluteSchedule(relative, 18000)).toEqual(tf);
    const thirds = relativeSchedule(
      { kind: 'piecewise', steps: [10000, 10000, 10000], rates: [0.0005, 0.0001, 0.00002] },
      30000,
    );
    expect(() => parseTrainSpec({ ...spec, schedule: thirds })).not.toThrow();
    expect(relativeSchedule({ kind: 'cosine', initial: 0.01, final: 0, warmupSteps: 100 }, 2000)).toEqual({
      kind: 'cosine',
      initial: 0.01,
      final: 0,
      warmupFraction: 0.05,
    });
    expect(absoluteSchedule({ kind: 'cyclical', low: 0.1, high: 1, cyclesPerRun: 4 }, 2000)).toEqual({
      kind: 'cyclical',
      low: 0.1,
      high: 1,
      stepsPerHalfCycle: 250,
    });
  });

  it('are checked: shares add up to 1, one rate per stage, one way to give each length', () => {
    const check = (schedule: unknown) => {
      try {
        parseTrainSpec({ ...smallSpec(2), schedule });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(check({ kind: 'piecewise', fractions: [0.7, 0.2, 0.1], rates: [1e-3, 1e-4, 1e-5] })).toBe('');
    expect(check({ kind: 'piecewise', fractions: [0.5, 0.3], rates: [1e-3, 1e-4] })).toMatch(
      /schedule.fractions: the stages' shares of the run must add up to 1 \(these add up to 0.8\)/,
    );
    expect(check({ kind: 'piecewise', fractions: [0.5, 0.5000001], rates: [1e-3, 1e-4] })).toBe('');
    expect(check({ kind: 'piecewise', fractions: [0.5, 0.5], rates: [1e-3] })).toMatch(
      /one rate per stage \(as many rates as fractions\)/,
    );
    expect(check({ kind: 'piecewise', rates: [1e-3] })).toMatch(
      /schedule.steps: needs steps \(stage lengths in steps\) or fractions \(as a share of the run\)/,
    );
    expect(check({ kind: 'piecewise', steps: [10], fractions: [1], rates: [1e-3] })).toMatch(
      /schedule.steps: give steps or fractions, not both/,
    );
    expect(check({ kind: 'cosine', initial: 0.01, final: 0, warmupFraction: 0.05 })).toBe('');
    expect(check({ kind: 'cosine', initial: 0.01, final: 0, warmupFraction: 0.05, warmupSteps: 10 })).toMatch(
      /give warmupSteps or warmupFraction, not both/,
    );
    expect(check({ kind: 'cyclical', low: 0.01, high: 0.1 })).toMatch(/needs stepsPerHalfCycle/);
  });
});
