import { describe, expect, it } from 'vitest';
import { bestPerClass } from '../../../src-shared/compare/bestPerClass.ts';
import type { ClassMetrics } from '../../../src-shared/model/Run.ts';

const row = (label: string, precision: number, recall: number, f1: number): ClassMetrics => ({
  label,
  precision,
  recall,
  f1,
  support: 10,
});

describe('bestPerClass', () => {
  it('marks the best run per class and metric, with every run on a tie', () => {
    const rows = bestPerClass([
      [row('go', 0.9, 0.8, 0.85), row('stop', 0.7, 0.9, 0.79)],
      [row('stop', 0.8, 0.9, 0.85), row('go', 0.95, 0.7, 0.8)],
    ]);
    expect(rows.map((comparison) => comparison.label)).toEqual(['go', 'stop']);
    expect(rows[0]).toEqual({
      label: 'go',
      values: { precision: [0.9, 0.95], recall: [0.8, 0.7], f1: [0.85, 0.8] },
      best: { precision: [1], recall: [0], f1: [0] },
    });
    expect(rows[1]!.best).toEqual({ precision: [1], recall: [0, 1], f1: [1] });
  });

  it('shows a class some run lacks as null there, and ignores NaN', () => {
    const rows = bestPerClass([[row('go', 0.9, 0.9, 0.9)], [row('go', NaN, 0.5, 0.5), row('yes', 0.6, 0.6, 0.6)], []]);
    expect(rows[0]!.values.precision).toEqual([0.9, null, null]);
    expect(rows[0]!.best.precision).toEqual([0]);
    expect(rows[1]).toEqual({
      label: 'yes',
      values: { precision: [null, 0.6, null], recall: [null, 0.6, null], f1: [null, 0.6, null] },
      best: { precision: [1], recall: [1], f1: [1] },
    });
    expect(bestPerClass([])).toEqual([]);
  });
});
