import type { ClassMetrics } from '../model/Run.ts';

export type ClassMetricKey = 'precision' | 'recall' | 'f1';
const METRICS: readonly ClassMetricKey[] = ['precision', 'recall', 'f1'];

export interface ClassComparison {
  label: string;
  /** Per metric, each run's value in run order; null where the run has no such class. */
  values: Record<ClassMetricKey, (number | null)[]>;
  /** Per metric, the indices of the runs holding the highest value (several on a tie). */
  best: Record<ClassMetricKey, number[]>;
}

/**
 * Per-class metrics of several runs side by side, one row per class (every class of any run, in
 * the order they first appear), with the best run(s) marked for each metric. Higher is better for
 * precision, recall and F1; NaN counts as no value.
 */
export function bestPerClass(runs: readonly (readonly ClassMetrics[])[]): ClassComparison[] {
  const labels = [...new Set(runs.flatMap((rows) => rows.map((row) => row.label)))];
  return labels.map((label) => {
    const rows = runs.map((run) => run.find((row) => row.label === label) ?? null);
    const values = {} as ClassComparison['values'];
    const best = {} as ClassComparison['best'];
    for (const metric of METRICS) {
      values[metric] = rows.map((row) => (row === null || Number.isNaN(row[metric]) ? null : row[metric]));
      const top = Math.max(...values[metric].filter((value) => value !== null));
      best[metric] = values[metric].flatMap((value, index) => (value !== null && value === top ? [index] : []));
    }
    return { label, values, best };
  });
}
