/** One thing to optimise: how to read it from an item, and which way is better. */
export interface ParetoObjective<T> {
  /** Null (or NaN): the item has no value, and cannot be on the front. */
  value: (item: T) => number | null;
  direction: 'max' | 'min';
}

/**
 * The items no other item dominates — none is at least as good on every objective and better on
 * one — in their input order. Items with equal values do not dominate each other, so ties stay on
 * the front together. An item missing any objective value is never on the front.
 */
export function paretoFront<T>(items: readonly T[], objectives: readonly ParetoObjective<T>[]): T[] {
  // Every objective turned into "higher is better", read once per item.
  const scored = items.flatMap((item) => {
    const scores = objectives.map((objective) => {
      const value = objective.value(item);
      return value === null || Number.isNaN(value) ? null : objective.direction === 'max' ? value : -value;
    });
    return scores.every((score) => score !== null) ? [{ item, scores: scores as number[] }] : [];
  });
  const dominates = (a: number[], b: number[]) =>
    a.every((score, i) => score >= b[i]!) && a.some((score, i) => score > b[i]!);
  return scored
    .filter((candidate) => !scored.some((other) => dominates(other.scores, candidate.scores)))
    .map(({ item }) => item);
}
