import type { TreeNode } from './regressionForest.ts';

/**
 * The functional ANOVA of one tree (Hutter, Hoos & Leyton-Brown 2014) over the space of level
 * combinations, every level of a feature equally likely: `variance` is the variance of the tree's
 * prediction over that space, and `main[i]` the variance of its marginal over feature i alone (the
 * prediction averaged over all other features, as a function of feature i's level). A tree is
 * piecewise constant on boxes, so both are exact sums over its leaves.
 */
export function treeMainEffects(tree: TreeNode, levelCounts: readonly number[]): { variance: number; main: number[] } {
  // Levels no split of the tree tells apart behave as one: work on those cells, weighted by size,
  // so the cost follows the tree's splits rather than the number of levels.
  const cells = levelCounts.map((levels, feature) => cellsOf(levels, masksOn(tree, feature)));
  const leaves: { value: number; region: Uint8Array[] }[] = [];
  const walk = (node: TreeNode, region: Uint8Array[]) => {
    if (node.leaf) {
      leaves.push({ value: node.value, region });
      return;
    }
    const { cellOf, sizes } = cells[node.feature]!;
    const goesLeft = new Uint8Array(sizes.length);
    cellOf.forEach((cell, level) => (goesLeft[cell] = node.left[level]!));
    const inside = region[node.feature]!;
    const left = region.slice();
    const right = region.slice();
    left[node.feature] = inside.map((allowed, cell) => allowed & goesLeft[cell]!);
    right[node.feature] = inside.map((allowed, cell) => allowed & (1 - goesLeft[cell]!));
    walk(node.leftChild, left);
    walk(node.rightChild, right);
  };
  walk(
    tree,
    cells.map(({ sizes }) => new Uint8Array(sizes.length).fill(1)),
  );

  // Per leaf and feature, how many levels the leaf allows, and the share of the space it covers.
  const counts = leaves.map((leaf) =>
    leaf.region.map((allowed, i) => allowed.reduce((total, bit, cell) => total + bit * cells[i]!.sizes[cell]!, 0)),
  );
  const volumes = counts.map((perFeature) =>
    perFeature.reduce((volume, count, i) => (volume * count) / levelCounts[i]!, 1),
  );
  const mean = leaves.reduce((total, leaf, l) => total + leaf.value * volumes[l]!, 0);
  // Centred values, so a large common offset (accuracy 0.9 ± 0.001) does not cancel the variance away.
  const centred = leaves.map((leaf) => leaf.value - mean);
  const variance = centred.reduce((total, value, l) => total + value ** 2 * volumes[l]!, 0);

  const main = levelCounts.map((levels, i) => {
    const { sizes } = cells[i]!;
    // Never split on: the marginal is flat, its variance 0.
    if (sizes.length === 1) return 0;
    const marginal = new Float64Array(sizes.length);
    leaves.forEach((leaf, l) => {
      // The leaf's value weighted by its share of the other features' space.
      const weight = (centred[l]! * volumes[l]! * levels) / counts[l]![i]!;
      leaf.region[i]!.forEach((allowed, cell) => {
        if (allowed) marginal[cell]! += weight;
      });
    });
    return marginal.reduce((total, value, cell) => total + sizes[cell]! * value ** 2, 0) / levels;
  });
  return { variance, main };
}

function masksOn(node: TreeNode, feature: number): Uint8Array[] {
  if (node.leaf) return [];
  return [
    ...(node.feature === feature ? [node.left] : []),
    ...masksOn(node.leftChild, feature),
    ...masksOn(node.rightChild, feature),
  ];
}

/** Groups the levels every mask puts on the same side (partition refinement). */
function cellsOf(levels: number, masks: readonly Uint8Array[]): { cellOf: Int32Array; sizes: number[] } {
  let cellOf = new Int32Array(levels);
  let count = 1;
  for (const mask of masks) {
    const renumber = new Map<number, number>();
    cellOf = cellOf.map((cell, level) => {
      const key = cell * 2 + mask[level]!;
      if (!renumber.has(key)) renumber.set(key, renumber.size);
      return renumber.get(key)!;
    });
    count = renumber.size;
  }
  const sizes = new Array<number>(count).fill(0);
  for (const cell of cellOf) sizes[cell]!++;
  return { cellOf, sizes };
}
