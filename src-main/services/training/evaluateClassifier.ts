import type { ClassMetrics } from '../../../src-shared/model/Run.ts';

/** Accuracy, confusion matrix (rows: actual, columns: predicted) and per-class precision/recall/F1. */
export function evaluateClassifier(
  classes: readonly string[],
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
) {
  const confusion = classes.map(() => classes.map(() => 0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    confusion[actual[i]!]![predicted[i]!]!++;
    if (actual[i] === predicted[i]) correct++;
  }
  const perClass: ClassMetrics[] = classes.map((label, c) => {
    const truePositives = confusion[c]![c]!;
    const support = confusion[c]!.reduce((sum, count) => sum + count, 0);
    const predictedAs = confusion.reduce((sum, row) => sum + row[c]!, 0);
    const precision = predictedAs ? truePositives / predictedAs : 0;
    const recall = support ? truePositives / support : 0;
    return {
      label,
      precision,
      recall,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
      support,
    };
  });
  return { accuracy: actual.length ? correct / actual.length : 0, confusion, perClass };
}
