import { describe, expect, it } from 'vitest';
import { compareRunValues } from '../../../src-shared/compare/compareRunValues.ts';
import type { RunValue } from '../../../src-shared/model/RunQuery.ts';

const sorted = (values: RunValue[]) => values.slice().sort(compareRunValues);

describe('compareRunValues', () => {
  it('orders numbers numerically, not as text', () => {
    expect(sorted([10, 9, -1, 0.5, 100])).toEqual([-1, 0.5, 9, 10, 100]);
    expect(compareRunValues(2, 2)).toBe(0);
  });

  it('orders text with numbers inside numerically, ignoring case', () => {
    expect(sorted(['run-10', 'run-9', 'Run-1', 'alpha'])).toEqual(['alpha', 'Run-1', 'run-9', 'run-10']);
    expect(compareRunValues('abc', 'abc')).toBe(0);
    // Case only breaks ties, so the order is still total and stable.
    expect(compareRunValues('ABC', 'abc')).not.toBe(0);
    expect(Math.sign(compareRunValues('ABC', 'abc'))).toBe(-Math.sign(compareRunValues('abc', 'ABC')));
  });

  it('puts false before true', () => {
    expect(sorted([true, false, true])).toEqual([false, true, true]);
  });

  it('puts NaN and then null and missing values last in ascending order', () => {
    expect(sorted([null, 3, NaN, 1, null])).toEqual([1, 3, NaN, null, null]);
    expect(compareRunValues(null, 1)).toBeGreaterThan(0);
    expect(compareRunValues(undefined, 'a')).toBeGreaterThan(0);
    expect(compareRunValues(null, undefined)).toBe(0);
  });

  it('groups a mixed column as numbers, text, booleans', () => {
    expect(sorted(['b', true, 2, null, 'a', 1])).toEqual([1, 2, 'a', 'b', true, null]);
  });
});
