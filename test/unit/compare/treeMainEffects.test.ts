import { describe, expect, it } from 'vitest';
import type { TreeNode } from '../../../src-shared/compare/regressionForest.ts';
import { treeMainEffects } from '../../../src-shared/compare/treeMainEffects.ts';

const leaf = (value: number): TreeNode => ({ leaf: true, value });
const split = (feature: number, left: number[], leftChild: TreeNode, rightChild: TreeNode): TreeNode => ({
  leaf: false,
  value: 0,
  feature,
  left: Uint8Array.from(left),
  leftChild,
  rightChild,
});

describe('treeMainEffects', () => {
  it('gives an additive tree all its variance in main effects, in proportion', () => {
    // f = 2·[x0 = 1] + [x1 = 1] on two two-level features: variances 1 and 0.25.
    const tree = split(0, [1, 0], split(1, [1, 0], leaf(0), leaf(1)), split(1, [1, 0], leaf(2), leaf(3)));
    const { variance, main } = treeMainEffects(tree, [2, 2]);
    expect(variance).toBeCloseTo(1.25, 12);
    expect(main[0]).toBeCloseTo(1, 12);
    expect(main[1]).toBeCloseTo(0.25, 12);
  });

  it('gives an XOR tree no main effects at all', () => {
    const tree = split(0, [1, 0], split(1, [1, 0], leaf(0), leaf(1)), split(1, [1, 0], leaf(1), leaf(0)));
    const { variance, main } = treeMainEffects(tree, [2, 2]);
    expect(variance).toBeCloseTo(0.25, 12);
    expect(main[0]).toBeCloseTo(0, 12);
    expect(main[1]).toBeCloseTo(0, 12);
  });

  it('weighs each level equally, also levels a split lumps together', () => {
    // x0 has 4 levels; levels 0–2 give 0, level 3 gives 4: mean 1, variance (3·1 + 9)/4 = 3.
    const tree = split(0, [1, 1, 1, 0], leaf(0), leaf(4));
    const { variance, main } = treeMainEffects(tree, [4, 3]);
    expect(variance).toBeCloseTo(3, 12);
    expect(main).toEqual([expect.closeTo(3, 12), 0]);
  });

  it('averages the other features out of a marginal, with an unordered split', () => {
    // x0 in {a, b, c}; x1 in {0, 1}. f = 1 when x0 ∈ {a, c} and x1 = 1, else 0.
    const tree = split(0, [1, 0, 1], split(1, [0, 1], leaf(1), leaf(0)), leaf(0));
    const { variance, main } = treeMainEffects(tree, [3, 2]);
    // Mean 1/3; variance 1/3 − 1/9 = 2/9. Marginal of x0: [1/2, 0, 1/2]; of x1: [0, 2/3].
    expect(variance).toBeCloseTo(2 / 9, 12);
    expect(main[0]).toBeCloseTo((2 * (1 / 2 - 1 / 3) ** 2 + (1 / 3) ** 2) / 3, 12);
    expect(main[1]).toBeCloseTo(((1 / 3) ** 2 + (2 / 3 - 1 / 3) ** 2) / 2, 12);
    expect(main[0]! + main[1]!).toBeLessThan(variance);
  });

  it('has no variance for a single leaf', () => {
    expect(treeMainEffects(leaf(0.9), [3, 2])).toEqual({ variance: 0, main: [0, 0] });
  });
});
