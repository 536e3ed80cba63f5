/** A confusion matrix with its classes: `confusion[actual][predicted]`, rows and columns in `classes` order. */
export interface LabeledConfusion {
  classes: readonly string[];
  confusion: readonly (readonly number[])[];
}

export interface ConfusionDifference {
  /** Every class of either run: the first run's in its order, then the second's new ones. */
  classes: string[];
  /** B − A in counts; a class a run does not have counts 0 there. */
  counts: number[][];
  /**
   * B − A in shares of each actual class's examples (each row of a matrix divided by its total),
   * so runs tested on different numbers of clips compare fairly; null where either run has no
   * example of that actual class.
   */
  rates: (number | null)[][];
}

/**
 * How run B's confusion matrix differs from run A's, with the classes lined up by name: positive
 * where B puts more examples (on the diagonal: B gets more right; off it: B confuses more).
 */
export function confusionDifference(a: LabeledConfusion, b: LabeledConfusion): ConfusionDifference {
  const classes = [...new Set([...checked(a, 'A'), ...checked(b, 'B')])];
  const countsA = aligned(a, classes);
  const countsB = aligned(b, classes);
  const ratesA = countsA.map(rowShares);
  const ratesB = countsB.map(rowShares);
  return {
    classes,
    counts: countsB.map((row, i) => row.map((count, j) => count - countsA[i]![j]!)),
    rates: ratesB.map((row, i) =>
      row.map((rate, j) => (rate === null || ratesA[i]![j] === null ? null : rate - ratesA[i]![j]!)),
    ),
  };
}

function checked({ classes, confusion }: LabeledConfusion, run: string): readonly string[] {
  if (new Set(classes).size !== classes.length)
    throw new RangeError(`run ${run}: a class is listed twice in [${classes.join(', ')}]`);
  if (confusion.length !== classes.length || confusion.some((row) => row.length !== classes.length)) {
    throw new RangeError(
      `run ${run}: the confusion matrix must be ${classes.length} × ${classes.length}, one row and column per class`,
    );
  }
  return classes;
}

function aligned({ classes, confusion }: LabeledConfusion, order: readonly string[]): number[][] {
  const index = order.map((name) => classes.indexOf(name));
  return index.map((row) => index.map((column) => (row < 0 || column < 0 ? 0 : confusion[row]![column]!)));
}

function rowShares(row: readonly number[]): (number | null)[] {
  const total = row.reduce((sum, count) => sum + count, 0);
  return row.map((count) => (total > 0 ? count / total : null));
}
