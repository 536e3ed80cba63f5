import { describe, expect, it } from 'vitest';
import { balancedSubset } from '../../src-main/services/training/balancedSubset.ts';

/** Items named by position, of the given class each. */
const itemsOf = (classes: number[]) => classes.map((classIndex, id) => ({ id, classIndex }));

describe('balancedSubset', () => {
  it('returns everything when the limit covers it', () => {
    const items = itemsOf([0, 1, 1, 2]);
    expect(balancedSubset(items, 4)).toEqual(items);
    expect(balancedSubset(items, 10)).toEqual(items);
  });

  it('shares the limit equally, spreads each share evenly over its class, and keeps the plan order', () => {
    // Ten of class 2, then ten of class 3, interleaved with four of class 1.
    const items = itemsOf([...Array(10).fill(2), 1, 1, ...Array(10).fill(3), 1, 1]);
    const chosen = balancedSubset(items, 6);
    expect(chosen.map((item) => item.classIndex).sort()).toEqual([1, 1, 2, 2, 3, 3]);
    // Class 2 sits at 0–9: the centres of two halves are 2 and 7; class 3 at 12–21: 14 and 19; class 1 at 10, 11, 22, 23: 11 and 23.
    expect(chosen.map((item) => item.id)).toEqual([2, 7, 11, 14, 19, 23]);
  });

  it('gives a small class’s unused share to the others, lower classes first for the remainder', () => {
    const items = itemsOf([0, ...Array(20).fill(1), ...Array(20).fill(2)]);
    const counts = (limit: number) => {
      const chosen = balancedSubset(items, limit);
      return [0, 1, 2].map((classIndex) => chosen.filter((item) => item.classIndex === classIndex).length);
    };
    expect(counts(10)).toEqual([1, 5, 4]);
    expect(counts(11)).toEqual([1, 5, 5]);
    expect(counts(40)).toEqual([1, 20, 19]);
  });

  it('is deterministic and picks distinct items', () => {
    const items = itemsOf(Array.from({ length: 997 }, (_, i) => (i * 7919) % 13));
    const first = balancedSubset(items, 300);
    expect(balancedSubset(items, 300)).toEqual(first);
    expect(new Set(first.map((item) => item.id)).size).toBe(300);
  });
});
