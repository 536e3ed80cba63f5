import { describe, expect, it } from 'vitest';
import { confusionDifference } from '../../../src-shared/compare/confusionDifference.ts';

describe('confusionDifference', () => {
  it('subtracts matrices with the same classes in counts and in shares of each row', () => {
    const a = {
      classes: ['go', 'stop'],
      confusion: [
        [8, 2],
        [1, 9],
      ],
    };
    const b = {
      classes: ['go', 'stop'],
      confusion: [
        [18, 2],
        [5, 5],
      ],
    };
    const diff = confusionDifference(a, b);
    expect(diff.classes).toEqual(['go', 'stop']);
    expect(diff.counts).toEqual([
      [10, 0],
      [4, -4],
    ]);
    // go: 80% → 90% right; stop: 90% → 50%.
    expect(diff.rates[0]![0]).toBeCloseTo(0.1, 12);
    expect(diff.rates[0]![1]).toBeCloseTo(-0.1, 12);
    expect(diff.rates[1]![0]).toBeCloseTo(0.4, 12);
    expect(diff.rates[1]![1]).toBeCloseTo(-0.4, 12);
  });

  it('lines classes up by name, in either order, over the union of both runs', () => {
    const a = {
      classes: ['go', 'stop', '_unknown_'],
      confusion: [
        [5, 0, 1],
        [0, 6, 0],
        [1, 1, 4],
      ],
    };
    const b = {
      classes: ['stop', 'go', 'yes'],
      confusion: [
        [7, 0, 1],
        [1, 4, 1],
        [0, 0, 3],
      ],
    };
    const diff = confusionDifference(a, b);
    expect(diff.classes).toEqual(['go', 'stop', '_unknown_', 'yes']);
    expect(diff.counts).toEqual([
      [4 - 5, 1 - 0, 0 - 1, 1],
      [0 - 0, 7 - 6, 0, 1],
      [-1, -1, -4, 0],
      [0, 0, 0, 3],
    ]);
    // Classes one run lacks have no shares there to compare.
    expect(diff.rates[2]).toEqual([null, null, null, null]);
    expect(diff.rates[3]).toEqual([null, null, null, null]);
    expect(diff.rates[0]![0]).toBeCloseTo(4 / 6 - 5 / 6, 12);
    // A column one run lacks still compares: that run put none of the row there.
    expect(diff.rates[0]![3]).toBeCloseTo(1 / 6, 12);
  });

  it('explains a matrix that does not fit its classes', () => {
    const good = {
      classes: ['a', 'b'],
      confusion: [
        [1, 0],
        [0, 1],
      ],
    };
    expect(() => confusionDifference(good, { classes: ['a', 'b'], confusion: [[1, 0]] })).toThrow(
      'run B: the confusion matrix must be 2 × 2, one row and column per class',
    );
    expect(() => confusionDifference({ classes: ['a', 'a'], confusion: good.confusion }, good)).toThrow(
      'run A: a class is listed twice in [a, a]',
    );
  });
});
