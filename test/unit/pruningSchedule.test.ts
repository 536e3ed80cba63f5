import { describe, expect, it } from 'vitest';
import { keptWeightCount } from '../../src-main/services/optimize/keptWeightCount.ts';
import { parseTrainSpec } from '../../src-shared/contract/trainSpecSchema.ts';
import type { PruningSpec } from '../../src-shared/model/TrainSpec.ts';
import { pruningEffect } from '../../src-shared/training/pruningEffect.ts';
import {
  constantSparsity,
  polynomialDecay,
  pruningSchedule,
  shouldPruneInStep,
} from '../../src-shared/training/pruningSchedule.ts';
import { PruningSpecError } from '../../src-shared/training/PruningSpecError.ts';
import { relativePruning } from '../../src-shared/training/relativePruning.ts';
import { resolvePruning } from '../../src-shared/training/resolvePruning.ts';
import { smallSpec } from '../support/trainingData.ts';

// Reference values, three sources:
// - "tfmot test": asserted in tensorflow/model-optimization's own pruning_schedule_test.py
//   (testPrunesOnlyInBeginEndStepRange, testOnlyPrunesAtValidFrequencySteps, testPolynomialDecay_PrunesCorrectly).
// - "TF 2.21": tfmot's PolynomialDecay.__call__, _should_prune_in_step and _update_mask copied
//   op for op and run with tensorflow-cpu 2.21 (the repo's .venv-ref). tfmot itself cannot be
//   installed here (no PyPI access), so these are TensorFlow's float32 results of tfmot's formulas;
//   our float32 emulation must match them bit for bit.
// - "by hand": worked out in the comment beside it.
const decisions = (spec: Parameters<typeof pruningSchedule>[0], steps: number[]) => {
  const at = pruningSchedule(spec);
  return steps.map((step) => [step, at(step).shouldPrune, at(step).sparsity]);
};

describe('ConstantSparsity', () => {
  it('prunes inside [begin, end] every frequency steps (tfmot test, TF 2.21)', () => {
    expect(decisions(constantSparsity(0.5, 100, 200, 10), [0, 99, 100, 105, 109, 110, 111, 200, 201, 210])).toEqual([
      [0, false, 0.5],
      [99, false, 0.5], // before begin
      [100, true, 0.5], // exactly at begin
      [105, false, 0.5], // between updates
      [109, false, 0.5],
      [110, true, 0.5],
      [111, false, 0.5],
      [200, true, 0.5], // exactly at end
      [201, false, 0.5], // after end
      [210, false, 0.5],
    ]);
  });

  it('prunes forever when end is −1, with tfmot defaults end −1 and frequency 100 (TF 2.21)', () => {
    expect(constantSparsity(0.75, 0)).toEqual({
      kind: 'constant',
      sparsity: 0.75,
      beginStep: 0,
      endStep: -1,
      frequency: 100,
    });
    expect(decisions(constantSparsity(0.75, 0), [1, 99, 100, 150, 200, 100_000])).toEqual([
      [1, false, 0.75],
      [99, false, 0.75],
      [100, true, 0.75],
      [150, false, 0.75],
      [200, true, 0.75],
      [100_000, true, 0.75],
    ]);
  });

  it('returns the target as float32, as tf.constant(target, float32) does', () => {
    expect(pruningSchedule(constantSparsity(0.1, 0))(0).sparsity).toBe(Math.fround(0.1));
  });
});

describe('PolynomialDecay', () => {
  it('matches tfmot’s own test values and TensorFlow’s float32 results', () => {
    // tfmot test: 0.2 at 100, 0.4928 at 102, 0.725 at 105, 0.8 at 110; exact float32 values from TF 2.21.
    expect(decisions(polynomialDecay(0.2, 0.8, 100, 110, 3, 2), [90, 100, 101, 102, 105, 108, 110, 111, 112])).toEqual([
      [90, false, 0.19999998807907104], // before begin: initial sparsity (float32 of 0.8 + (0.2 − 0.8))
      [100, true, 0.19999998807907104], // exactly at begin
      [101, false, 0.36260005831718445], // between updates: the value moves, masks do not
      [102, true, 0.4927999973297119],
      [105, false, 0.7250000238418579],
      [108, true, 0.795199990272522],
      [110, true, 0.800000011920929], // exactly at end: final sparsity
      [111, false, 0.800000011920929], // after end: stays final, no more updates
      [112, false, 0.800000011920929],
    ]);
  });

  it('follows final + (initial − final)·(1 − p)³ over a long run (TF 2.21, and by hand)', () => {
    // By hand at 3000: p = 0.5, 0.9 − 0.9·0.125 = 0.7875 (float32: 0.7874999642372131).
    expect(
      decisions(polynomialDecay(0, 0.9, 1000, 5000), [0, 999, 1000, 1050, 1100, 2000, 3000, 4000, 4900, 5000, 5100]),
    ).toEqual([
      [0, false, 0],
      [999, false, 0],
      [1000, true, 0],
      [1050, false, 0.03332984447479248],
      [1100, true, 0.06582647562026978],
      [2000, true, 0.520312488079071],
      [3000, true, 0.7874999642372131],
      [4000, true, 0.8859374523162842],
      [4900, true, 0.8999859094619751],
      [5000, true, 0.8999999761581421],
      [5100, false, 0.8999999761581421],
    ]);
  });

  it('has tfmot’s defaults power 3 and frequency 100', () => {
    expect(polynomialDecay(0.1, 0.8, 0, 1000)).toEqual({
      kind: 'polynomial',
      initialSparsity: 0.1,
      finalSparsity: 0.8,
      beginStep: 0,
      endStep: 1000,
      power: 3,
      frequency: 100,
    });
  });

  it('jumps to the final sparsity when begin equals end, where tfmot would divide 0 by 0', () => {
    expect(decisions(polynomialDecay(0.2, 0.8, 100, 100, 3, 1), [99, 100, 101])).toEqual([
      [99, false, 0.19999998807907104], // TF 2.21 agrees before begin
      [100, true, 0.800000011920929], // TF 2.21: NaN here
      [101, false, 0.800000011920929], // TF 2.21 agrees after end
    ]);
  });
});

describe('shouldPruneInStep', () => {
  it('uses floormod like TensorFlow', () => {
    expect(shouldPruneInStep(0, 10, -1, 5)).toBe(false);
    expect(shouldPruneInStep(15, 10, -1, 5)).toBe(true);
    expect(shouldPruneInStep(16, 10, -1, 5)).toBe(false);
  });
});

describe('keptWeightCount', () => {
  it('keeps max(round-half-to-even(n·(1 − s)), 1) weights, as tfmot’s _update_mask (TF 2.21)', () => {
    const zeros = (size: number, sparsity: number) => size - keptWeightCount(size, Math.fround(sparsity));
    expect(zeros(6, 0.5)).toBe(3);
    expect(zeros(10, 0.2)).toBe(2);
    expect(zeros(10, 0.75)).toBe(8); // 2.5 weights kept rounds to 2
    expect(zeros(6, 0.25)).toBe(2); // 4.5 → 4
    expect(zeros(2, 0.25)).toBe(0); // 1.5 → 2
    expect(zeros(3, 0.5)).toBe(1); // 1.5 → 2
    expect(zeros(6, 0.75)).toBe(4); // 1.5 → 2
    expect(zeros(5, 0.9)).toBe(4);
    expect(zeros(6, 0.99)).toBe(5); // never every weight
    expect(zeros(100, 0)).toBe(0);
  });
});

describe('validation', () => {
  it('rejects what tfmot rejects, with the field to fix', () => {
    const bad = [
      constantSparsity(0.5, -1, 1000),
      constantSparsity(0.5, 10, -5),
      constantSparsity(0.5, 10, 5),
      constantSparsity(0.5, 10, 1000, 0),
      constantSparsity(1, 0),
      constantSparsity(-0.001, 0),
      polynomialDecay(0.4, 0.8, 10, -1),
      polynomialDecay(0.2, 1, 0, 10),
      polynomialDecay(1, 0.8, 0, 10),
      constantSparsity(0.5, 1.5, 10),
    ];
    for (const spec of bad) expect(() => pruningSchedule(spec), JSON.stringify(spec)).toThrow(PruningSpecError);
    expect(() => pruningSchedule(constantSparsity(0.5, 10, 10))).not.toThrow();
    expect(() => pruningSchedule(constantSparsity(0.99, 0, 0, 1))).not.toThrow();
  });
});

describe('timing as shares of the run', () => {
  const relative: PruningSpec = {
    kind: 'polynomial',
    initialSparsity: 0,
    finalSparsity: 0.8,
    power: 3,
    beginFraction: 0.1,
    endFraction: 0.6,
    frequencyFraction: 0.05,
  };

  it('resolves to TF-MOT steps once the run’s length is known, the end on a mask update', () => {
    expect(resolvePruning(relative, 40)).toEqual(polynomialDecay(0, 0.8, 4, 24, 3, 2));
    expect(resolvePruning(relative, 2000)).toEqual(polynomialDecay(0, 0.8, 200, 1200, 3, 100));
    // 0.6 · 37 = 22.2 from begin 4 every 2 steps: the nearest update is 22.
    expect(resolvePruning(relative, 37)).toEqual(polynomialDecay(0, 0.8, 4, 22, 3, 2));
    // An end at the run's end that is off the update grid moves back, never past the last step.
    expect(resolvePruning({ ...relative, beginFraction: 0, endFraction: 1, frequencyFraction: 0.1 }, 25)).toMatchObject(
      { beginStep: 0, endStep: 24, frequency: 3 },
    );
    // Tiny runs still update every step.
    expect(resolvePruning(relative, 5)).toMatchObject({ beginStep: 1, endStep: 3, frequency: 1 });
    // Steps stay as they are; the forms mix.
    expect(
      resolvePruning({ kind: 'constant', sparsity: 0.5, beginFraction: 0.5, endStep: -1, frequency: 10 }, 300),
    ).toEqual(constantSparsity(0.5, 150, -1, 10));
  });

  it('prunes a 40-step and a 2,000-step run alike', () => {
    const short = pruningEffect(relative, 40);
    const long = pruningEffect(relative, 2000);
    expect([short.updates, short.lastUpdate, short.reached]).toEqual([11, 24, Math.fround(0.8)]);
    expect([long.updates, long.lastUpdate, long.reached]).toEqual([11, 1200, Math.fround(0.8)]);
    const sparsityAt = (steps: number, share: number) =>
      pruningSchedule(resolvePruning(relative, steps))(Math.round(share * steps)).sparsity;
    for (const share of [0.1, 0.2, 0.3, 0.45, 0.6])
      expect(sparsityAt(2000, share)).toBeCloseTo(sparsityAt(40, share), 5);
  });

  it('counts mask updates like TF-MOT: the default schedule never prunes a short run', () => {
    // TF-MOT's defaults on a 40-step run: begin 0, every 100 steps: no update at all.
    expect(pruningEffect(polynomialDecay(0, 0.5, 0, 2000), 40)).toMatchObject({
      firstUpdate: 100,
      updates: 0,
      lastUpdate: null,
      reached: 0,
    });
    expect(pruningEffect(polynomialDecay(0, 0.5, 0, 2000), 4000)).toMatchObject({
      firstUpdate: 100,
      updates: 20,
      lastUpdate: 2000,
      reached: Math.fround(0.5),
    });
    // One update at begin, where polynomial decay still asks for its initial 0 %.
    expect(pruningEffect(polynomialDecay(0, 0.5, 10, 2000), 40)).toMatchObject({
      updates: 1,
      lastUpdate: 10,
      reached: 0,
    });
    const constant = pruningEffect(constantSparsity(0.5, 0, -1, 7), 40);
    expect([constant.updates, constant.lastUpdate]).toEqual([5, 35]);
    // Brute force agrees with the count.
    for (const [spec, total] of [
      [polynomialDecay(0.1, 0.7, 3, 29, 3, 4), 25],
      [constantSparsity(0.5, 0, -1, 7), 40],
      [constantSparsity(0.3, 5, 17, 3), 100],
    ] as const) {
      const at = pruningSchedule(spec);
      const steps = Array.from({ length: total }, (_, i) => i + 1).filter((step) => at(step).shouldPrune);
      expect(pruningEffect(spec, total)).toMatchObject({ updates: steps.length, lastUpdate: steps.at(-1) ?? null });
    }
  });

  it('turns a schedule in steps into shares and is checked field by field', () => {
    expect(relativePruning(polynomialDecay(0, 0.5, 200, 2000), 4000)).toEqual({
      kind: 'polynomial',
      initialSparsity: 0,
      finalSparsity: 0.5,
      power: 3,
      beginFraction: 0.05,
      endFraction: 0.5,
      frequencyFraction: 0.025,
    });
    expect(relativePruning(constantSparsity(0.5, 0), 1000)).toMatchObject({
      beginFraction: 0,
      endFraction: 1,
      frequencyFraction: 0.1,
    });
    const check = (pruning: unknown) => {
      try {
        parseTrainSpec({ ...smallSpec(2), pruning });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(check(relative)).toBe('');
    expect(check(polynomialDecay(0, 0.5, 0, 2000))).toBe('');
    expect(check({ ...relative, beginStep: 10 })).toMatch(
      /pruning.beginStep: give beginStep or beginFraction, not both/,
    );
    expect(check({ ...relative, frequencyFraction: undefined })).toMatch(
      /pruning.frequency: needs frequency \(how often masks are updated in steps\) or frequencyFraction/,
    );
    expect(check({ ...relative, endFraction: 0.1 })).toMatch(/pruning endFraction must come after beginFraction/);
    expect(check(polynomialDecay(0, 0.5, 100, 100))).toMatch(/pruning endStep must come after beginStep/);
    expect(check({ ...relative, beginFraction: 1.5 })).toMatch(/pruning.beginFraction/);
  });
});
