import { describe, expect, it } from 'vitest';
import {
  fitRegressionForest,
  predict,
  type ForestFeature,
  type TreeNode,
} from '../../../src-shared/compare/regressionForest.ts';
import { createRandom } from '../../../src-shared/random/createRandom.ts';

const options = { trees: 16, maxDepth: 8, minSamplesLeaf: 1, featureFraction: 1, seed: 4 };

function depthOf(node: TreeNode): number {
  return node.leaf ? 0 : 1 + Math.max(depthOf(node.leftChild), depthOf(node.rightChild));
}
function leafCount(node: TreeNode): number {
  return node.leaf ? 1 : leafCount(node.leftChild) + leafCount(node.rightChild);
}

describe('fitRegressionForest', () => {
  const random = createRandom(9);
  const n = 60;
  const x = Int32Array.from({ length: n }, () => random.int(0, 9));
  const noise = Int32Array.from({ length: n }, () => random.int(0, 4));
  const targets = Float64Array.from(x, (level) => level * 0.1 + 0.001 * random.gaussian());
  const features: ForestFeature[] = [
    { levels: 10, ordered: true, codes: x },
    { levels: 5, ordered: false, codes: noise },
  ];

  it('learns an ordered effect and predicts unseen trials well (out-of-bag R²)', () => {
    const forest = fitRegressionForest(features, targets, options);
    expect(forest.trees).toHaveLength(16);
    expect(forest.oobR2).toBeGreaterThan(0.95);
    const rootFeatures = forest.trees.map((tree) => (tree.leaf ? -1 : tree.feature));
    expect(rootFeatures.every((feature) => feature === 0)).toBe(true);
  });

  it('is the same forest for the same seed and a different one for another', () => {
    const a = fitRegressionForest(features, targets, options);
    const b = fitRegressionForest(features, targets, options);
    const c = fitRegressionForest(features, targets, { ...options, seed: 5 });
    const predictions = (forest: typeof a) =>
      forest.trees.flatMap((tree) => [0, 1, 2, 3].map((i) => predict(tree, features, i)));
    expect(predictions(a)).toEqual(predictions(b));
    expect(a.oobR2).toBe(b.oobR2);
    expect(predictions(c)).not.toEqual(predictions(a));
  });

  it('respects the depth and leaf-size limits', () => {
    const shallow = fitRegressionForest(features, targets, { ...options, maxDepth: 2 });
    expect(Math.max(...shallow.trees.map(depthOf))).toBeLessThanOrEqual(2);
    // Leaves of at least 8 of the 60 bootstrap samples: at most 7 of them per tree.
    const coarse = fitRegressionForest(features, targets, { ...options, minSamplesLeaf: 8 });
    expect(Math.max(...coarse.trees.map(leafCount))).toBeLessThanOrEqual(7);
    expect(Math.max(...fitRegressionForest(features, targets, options).trees.map(leafCount))).toBeGreaterThan(7);
  });

  it('splits categories by subset, whatever their order', () => {
    // Categories 0 and 3 are good, 1, 2 and 4 bad: no threshold separates them, a subset does.
    const kind = Int32Array.from({ length: 40 }, (_, i) => i % 5);
    const metric = Float64Array.from(kind, (level) => (level === 0 || level === 3 ? 0.9 : 0.6));
    const forest = fitRegressionForest([{ levels: 5, ordered: false, codes: kind }], metric, { ...options, trees: 4 });
    for (const tree of forest.trees) {
      expect(tree.leaf).toBe(false);
      if (tree.leaf) continue;
      expect(tree.leftChild.leaf && tree.rightChild.leaf).toBe(true);
      expect(tree.left[0]).toBe(tree.left[3]);
      expect(tree.left[1]).toBe(tree.left[2]);
      expect(tree.left[0]).not.toBe(tree.left[1]);
    }
    expect(forest.oobR2).toBeCloseTo(1, 9);
  });
});
