import { describe, expect, it } from 'vitest';
import { smoothSeries } from '../../../src-shared/compare/smoothSeries.ts';

describe('smoothSeries', () => {
  it('matches a hand-computed debiased moving average', () => {
    // w = 0.5: averages 0.5, 1.25, 2.125 divided by 1 − 0.5ⁿ = 0.5, 0.75, 0.875.
    const smoothed = smoothSeries([1, 2, 3], 0.5);
    expect(smoothed[0]).toBeCloseTo(1, 12);
    expect(smoothed[1]).toBeCloseTo(5 / 3, 12);
    expect(smoothed[2]).toBeCloseTo(17 / 7, 12);
    // w = 0.9 on a step: the first point is the point itself (no pull toward 0), then it lags.
    const step = smoothSeries([0, 0, 10, 10], 0.9);
    expect(step[0]).toBe(0);
    expect(step[2]).toBeCloseTo((0.1 * 10) / (1 - 0.9 ** 3), 12);
    expect(step[3]).toBeCloseTo((0.9 * 0.1 * 10 + 0.1 * 10) / (1 - 0.9 ** 4), 12);
  });

  it('is the identity at weight 0 and keeps a constant series exact', () => {
    expect(smoothSeries([3, -1, 4, 1.5], 0)).toEqual([3, -1, 4, 1.5]);
    expect(smoothSeries([0.7, 0.7, 0.7], 0.99)).toEqual([0.7, 0.7, 0.7]);
    expect(smoothSeries([], 0.6)).toEqual([]);
  });

  it('passes NaN and infinite points through without letting them into the average', () => {
    const smoothed = smoothSeries(new Float64Array([1, NaN, 2, Infinity, 3]), 0.5);
    expect(smoothed[1]).toBeNaN();
    expect(smoothed[3]).toBe(Infinity);
    expect(smoothed[2]).toBeCloseTo(5 / 3, 12);
    expect(smoothed[4]).toBeCloseTo(17 / 7, 12);
  });

  it('refuses a weight outside 0–0.99', () => {
    for (const weight of [-0.1, 1, 0.995, NaN])
      expect(() => smoothSeries([1, 2], weight)).toThrow(/between 0 and 0.99/);
  });
});
