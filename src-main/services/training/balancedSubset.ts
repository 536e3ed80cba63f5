/**
 * At most `limit` of `items`, deterministically: the limit shared among the classes as equally as
 * their sizes allow (a small class gives its unused share to the others), each class's share spread
 * evenly over its items in their order, returned in the items' order. A calibration set then covers
 * every class and the whole span of the plan, whatever order the plan lists its examples in.
 */
export function balancedSubset<Item extends { classIndex: number }>(items: readonly Item[], limit: number): Item[] {
  if (items.length <= limit) return [...items];
  const byClass = new Map<number, number[]>();
  for (const [position, item] of items.entries()) {
    const positions = byClass.get(item.classIndex) ?? [];
    positions.push(position);
    byClass.set(item.classIndex, positions);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const quota = new Map(classes.map((classIndex) => [classIndex, 0]));
  // One more for each class that has items to spare, in class order, until the limit is reached.
  for (let left = limit; left > 0;) {
    for (const classIndex of classes) {
      if (left === 0) break;
      if (quota.get(classIndex)! < byClass.get(classIndex)!.length) {
        quota.set(classIndex, quota.get(classIndex)! + 1);
        left--;
      }
    }
  }
  const chosen: number[] = [];
  for (const classIndex of classes) {
    const positions = byClass.get(classIndex)!;
    const take = quota.get(classIndex)!;
    // Centres of `take` equal stretches of the class's items: distinct, as take ≤ positions.length.
    for (let j = 0; j < take; j++) chosen.push(positions[Math.floor(((j + 0.5) * positions.length) / take)]!);
  }
  return chosen.sort((a, b) => a - b).map((position) => items[position]!);
}
