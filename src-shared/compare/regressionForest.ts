import { createRandom, hashSeed, type Random } from '../random/createRandom.ts';

/** A feature for the forest: level codes of each sample, and whether the levels are ordered. */
export interface ForestFeature {
  levels: number;
  ordered: boolean;
  codes: Int32Array;
}

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  minSamplesLeaf: number;
  /** Share of the features tried at each split (at least one). */
  featureFraction: number;
  seed: number;
}

/**
 * A node of a tree. A split sends a sample left when `left[level]` is 1 for its level of `feature`;
 * the mask covers every level of the feature, also those no sample at the node had, so the tree
 * partitions the whole space of level combinations.
 */
export type TreeNode =
  | { leaf: true; value: number }
  | { leaf: false; value: number; feature: number; left: Uint8Array; leftChild: TreeNode; rightChild: TreeNode };

export interface RegressionForest {
  trees: TreeNode[];
  /** R² of each sample's prediction by the trees that did not see it; null with too few such samples. */
  oobR2: number | null;
}

/**
 * A random forest regressor (Breiman 2001) over level-coded features: each tree grows on a
 * bootstrap sample, each split tries a random subset of the features (more if none of those can
 * split) and takes the largest drop in squared error — a threshold for ordered levels, the best
 * subset for unordered ones (categories sorted by their mean target, which is exact for squared
 * error). Seeded, so the same inputs give the same forest.
 */
export function fitRegressionForest(
  features: readonly ForestFeature[],
  targets: Float64Array,
  options: ForestOptions,
): RegressionForest {
  const n = targets.length;
  const oobSum = new Float64Array(n);
  const oobCount = new Int32Array(n);
  const trees: TreeNode[] = [];
  // Centred, so sums of squares do not lose the differences to a large common offset (0.9 ± 0.001).
  const offset = targets.reduce((total, y) => total + y, 0) / n;
  const centred = targets.map((y) => y - offset);
  for (let t = 0; t < options.trees; t++) {
    const random = createRandom(hashSeed(options.seed, 'tree', t));
    const sample = Array.from({ length: n }, () => random.int(0, n - 1));
    const grower = new TreeGrower(features, centred, offset, options, random);
    const tree = grower.grow(sample, 0);
    trees.push(tree);
    const inBag = new Set(sample);
    for (let i = 0; i < n; i++) {
      if (inBag.has(i)) continue;
      oobSum[i]! += predict(tree, features, i);
      oobCount[i]!++;
    }
  }
  return { trees, oobR2: outOfBagR2(targets, oobSum, oobCount) };
}

export function predict(tree: TreeNode, features: readonly ForestFeature[], sample: number): number {
  let node = tree;
  while (!node.leaf) node = node.left[features[node.feature]!.codes[sample]!] ? node.leftChild : node.rightChild;
  return node.value;
}

function outOfBagR2(targets: Float64Array, sum: Float64Array, count: Int32Array): number | null {
  const seen = [...targets.keys()].filter((i) => count[i]! > 0);
  if (seen.length < 2) return null;
  const mean = seen.reduce((total, i) => total + targets[i]!, 0) / seen.length;
  let residual = 0;
  let spread = 0;
  for (const i of seen) {
    residual += (targets[i]! - sum[i]! / count[i]!) ** 2;
    spread += (targets[i]! - mean) ** 2;
  }
  return spread > 0 ? 1 - residual / spread : null;
}

interface Split {
  feature: number;
  gain: number;
  left: Uint8Array;
}

class TreeGrower {
  constructor(
    private readonly features: readonly ForestFeature[],
    private readonly targets: Float64Array,
    private readonly offset: number,
    private readonly options: ForestOptions,
    private readonly random: Random,
  ) {}

  grow(samples: readonly number[], depth: number): TreeNode {
    let sum = 0;
    let sumSquares = 0;
    for (const i of samples) {
      sum += this.targets[i]!;
      sumSquares += this.targets[i]! ** 2;
    }
    const mean = sum / samples.length;
    const value = mean + this.offset;
    const error = sumSquares - sum * mean;
    if (
      depth >= this.options.maxDepth ||
      samples.length < 2 * this.options.minSamplesLeaf ||
      error <= 1e-12 * sumSquares
    )
      return { leaf: true, value };
    const split = this.bestSplit(samples, sum, error);
    if (!split) return { leaf: true, value };
    const codes = this.features[split.feature]!.codes;
    const left = samples.filter((i) => split.left[codes[i]!]);
    const right = samples.filter((i) => !split.left[codes[i]!]);
    return {
      leaf: false,
      value,
      feature: split.feature,
      left: split.left,
      leftChild: this.grow(left, depth + 1),
      rightChild: this.grow(right, depth + 1),
    };
  }

  /** The best split over a random subset of the features, or over more when those cannot split. */
  private bestSplit(samples: readonly number[], sum: number, error: number): Split | null {
    const order = this.random.shuffle([...this.features.keys()]);
    const tries = Math.max(1, Math.ceil(this.options.featureFraction * order.length));
    let best: Split | null = null;
    for (let k = 0; k < order.length && (k < tries || best === null); k++) {
      const split = this.splitOn(order[k]!, samples, sum);
      // A gain lost in rounding is no split: it would only fit noise in the last digits.
      if (split && split.gain > 1e-10 * error && (!best || split.gain > best.gain)) best = split;
    }
    return best;
  }

  private splitOn(feature: number, samples: readonly number[], sum: number): Split | null {
    const { codes, levels, ordered } = this.features[feature]!;
    const groups = new Map<number, { level: number; count: number; sum: number }>();
    for (const i of samples) {
      const level = codes[i]!;
      const group = groups.get(level) ?? { level, count: 0, sum: 0 };
      group.count++;
      group.sum += this.targets[i]!;
      groups.set(level, group);
    }
    if (groups.size < 2) return null;
    const sorted = [...groups.values()].sort(
      ordered ? (a, b) => a.level - b.level : (a, b) => a.sum / a.count - b.sum / b.count,
    );
    const n = samples.length;
    const minLeaf = this.options.minSamplesLeaf;
    let leftCount = 0;
    let leftSum = 0;
    let bestGain = -Infinity;
    let bestCut = -1;
    for (let cut = 0; cut < sorted.length - 1; cut++) {
      leftCount += sorted[cut]!.count;
      leftSum += sorted[cut]!.sum;
      const rightCount = n - leftCount;
      if (leftCount < minLeaf || rightCount < minLeaf) continue;
      const gain = (leftSum * leftSum) / leftCount + ((sum - leftSum) * (sum - leftSum)) / rightCount - (sum * sum) / n;
      if (gain > bestGain) {
        bestGain = gain;
        bestCut = cut;
      }
    }
    if (bestCut < 0) return null;
    const left = new Uint8Array(levels);
    if (ordered) {
      // Levels no sample here had are split halfway between the neighbours that were seen.
      const threshold = Math.floor((sorted[bestCut]!.level + sorted[bestCut + 1]!.level) / 2);
      left.fill(1, 0, threshold + 1);
    } else {
      const leftSamples = sorted.slice(0, bestCut + 1).reduce((total, group) => total + group.count, 0);
      // Categories no sample here had go with the larger side: the likelier guess for them.
      if (leftSamples >= n - leftSamples) left.fill(1);
      sorted.forEach((group, g) => (left[group.level] = g <= bestCut ? 1 : 0));
    }
    return { feature, gain: bestGain, left };
  }
}
