import { describe, expect, it } from 'vitest';
import {
  parameterImportance,
  type ImportanceTrial,
  type ParameterImportance,
} from '../../../src-shared/compare/parameterImportance.ts';
import { createRandom } from '../../../src-shared/random/createRandom.ts';

const importanceOf = (result: ParameterImportance, key: string) =>
  result.ok ? result.parameters.find((entry) => entry.key === key)?.importance : undefined;

describe('parameterImportance (fANOVA on a random forest)', () => {
  it('finds the one parameter that drives a linear metric and not the irrelevant one', () => {
    const random = createRandom(1);
    const trials: ImportanceTrial[] = Array.from({ length: 40 }, () => {
      const x1 = random.next();
      const x2 = random.next();
      return { params: { x1, x2 }, metric: 5 * x1 + 0.05 * random.gaussian() };
    });
    const result = parameterImportance(trials);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.parameters.map((entry) => entry.key)).toEqual(['x1', 'x2']);
    expect(importanceOf(result, 'x1')).toBeGreaterThan(0.8);
    expect(importanceOf(result, 'x2')).toBeLessThan(0.1);
    expect(result.oobR2).toBeGreaterThan(0.9);
    expect(result.remainder).toBeLessThan(0.15);
    expect(result.parameters[0]).toMatchObject({ kind: 'numeric', levels: 40 });
    expect(result).toMatchObject({ trials: 40, trees: 64 });
  });

  it('finds a categorical parameter that drives the metric', () => {
    const random = createRandom(2);
    const accuracy: Record<string, number> = { ds_cnn: 0.92, conv: 0.85, tiny_conv: 0.7 };
    const trials: ImportanceTrial[] = Array.from({ length: 36 }, (_, i) => {
      const kind = Object.keys(accuracy)[i % 3]!;
      return {
        params: { 'model.kind': kind, 'model.dropout': random.uniform(0, 0.5), seed: 1 },
        metric: accuracy[kind]! + 0.01 * random.gaussian(),
      };
    });
    const result = parameterImportance(trials);
    if (!result.ok) throw new Error(result.message);
    expect(result.parameters.map((entry) => entry.key)).toEqual(['model.kind', 'model.dropout']);
    expect(result.parameters[0]).toMatchObject({ kind: 'categorical', levels: 3 });
    expect(importanceOf(result, 'model.kind')).toBeGreaterThan(0.9);
    expect(importanceOf(result, 'model.dropout')).toBeLessThan(0.05);
  });

  it('splits a grid sweep between the parameters that matter, not the seed', () => {
    const random = createRandom(3);
    const trials: ImportanceTrial[] = [];
    for (const filters of [8, 16, 32, 64]) {
      for (const lr of [1e-4, 1e-3, 1e-2]) {
        for (const seed of [1, 2])
          trials.push({
            params: { filters, lr, seed },
            metric: 0.8 + 0.02 * Math.log2(filters / 8) - (lr === 1e-2 ? 0.05 : 0) + 0.002 * random.gaussian(),
          });
      }
    }
    const result = parameterImportance(trials);
    if (!result.ok) throw new Error(result.message);
    // Both effects have about the same variance over the grid: 0.02²·1.25 and 0.05²·2/9.
    expect(importanceOf(result, 'filters')).toBeGreaterThan(0.35);
    expect(importanceOf(result, 'lr')).toBeGreaterThan(0.35);
    expect(importanceOf(result, 'seed')).toBeLessThan(0.03);
  });

  it('leaves an interaction-only metric to the remainder', () => {
    const random = createRandom(4);
    const trials: ImportanceTrial[] = [];
    for (const x1 of [-1, -0.5, 0.5, 1]) {
      for (const x2 of [-1, -0.5, 0.5, 1]) {
        for (let repeat = 0; repeat < 3; repeat++)
          trials.push({ params: { x1, x2 }, metric: x1 * x2 + 0.02 * random.gaussian() });
      }
    }
    const result = parameterImportance(trials);
    if (!result.ok) throw new Error(result.message);
    expect(result.remainder).toBeGreaterThan(0.8);
    expect(importanceOf(result, 'x1')! + importanceOf(result, 'x2')!).toBeLessThan(0.2);
    expect(result.oobR2).toBeGreaterThan(0.8);
  });

  it('admits through out-of-bag R² when the metric is noise', () => {
    const random = createRandom(5);
    const trials = Array.from({ length: 40 }, () => ({
      params: { x1: random.next(), x2: random.next() },
      metric: random.gaussian(),
    }));
    const result = parameterImportance(trials);
    if (!result.ok) throw new Error(result.message);
    expect(result.oobR2).toBeLessThan(0.2);
  });

  it('is reproducible for a seed, and the shares stay within 0–1', () => {
    const random = createRandom(6);
    const trials = Array.from({ length: 20 }, () => {
      const a = random.next();
      const b = random.pick(['x', 'y']);
      return { params: { a, b }, metric: a + (b === 'x' ? 0.5 : 0) + 0.1 * random.gaussian() };
    });
    expect(parameterImportance(trials, { seed: 3 })).toEqual(parameterImportance(trials, { seed: 3 }));
    expect(parameterImportance(trials, { seed: 3 })).not.toEqual(parameterImportance(trials, { seed: 4 }));
    const result = parameterImportance(trials, { featureFraction: 0.5, trees: 8 });
    if (!result.ok) throw new Error(result.message);
    const total = result.parameters.reduce((sum, entry) => sum + entry.importance, 0);
    expect(total + result.remainder).toBeCloseTo(1, 9);
    for (const entry of result.parameters)
      expect(entry.importance >= 0 && entry.importance <= 1 && entry.spread >= 0).toBe(true);
  });

  it('says why when it cannot answer', () => {
    const few = parameterImportance([
      { params: { a: 1 }, metric: 0.5 },
      { params: { a: 2 }, metric: 0.6 },
      { params: { a: 3 }, metric: NaN },
      { params: { a: 4 }, metric: 0.7 },
    ]);
    expect(few).toEqual({
      ok: false,
      reason: 'not-enough-trials',
      message: 'not enough trials: parameter importance needs at least 4 trials with a value of the metric, got 3',
      trials: 3,
    });
    const same = Array.from({ length: 5 }, (_, i) => ({ params: { a: 1, name: 'x' }, metric: i }));
    expect(parameterImportance(same)).toMatchObject({ ok: false, reason: 'nothing-varies' });
    const flat = Array.from({ length: 5 }, (_, i) => ({ params: { a: i }, metric: 0.9 }));
    expect(parameterImportance(flat)).toMatchObject({ ok: false, reason: 'metric-constant' });
    expect(() =>
      parameterImportance(
        flat.map((trial, i) => ({ ...trial, metric: i })),
        { trees: 0 },
      ),
    ).toThrow('trees must be a whole number of at least 1, got 0');
  });
});
