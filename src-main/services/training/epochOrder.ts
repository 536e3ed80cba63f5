import type { Random } from '../../../src-shared/random/createRandom.ts';
import type { DatasetItem } from '../../../src-shared/training/planDataset.ts';

/** Indices of the training items in this epoch's order; 'oversample' draws each class equally often. */
export function epochOrder(
  items: DatasetItem[],
  balance: 'none' | 'oversample',
  classes: number,
  random: Random,
): number[] {
  if (balance === 'none') return random.shuffle(items.map((_, index) => index));
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  items.forEach((item, index) => byClass[item.classIndex]!.push(index));
  const present = byClass.filter((indices) => indices.length > 0);
  const perClass = Math.ceil(items.length / present.length);
  return random.shuffle(
    present.flatMap((indices) =>
      Array.from({ length: perClass }, (_, i) => (i < indices.length ? indices[i]! : random.pick(indices))),
    ),
  );
}
