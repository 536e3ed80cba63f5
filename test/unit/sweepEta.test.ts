import { describe, expect, it } from 'vitest';
import { sweepEta } from '../../src-main/services/sweeps/sweepEta.ts';

describe('sweepEta', () => {
  it('is unknown before a trial has finished, and zero when nothing is left', () => {
    expect(sweepEta([], [1, 2], 2)).toBeNull();
    expect(sweepEta([{ seconds: 10, cost: 1 }], [], 2)).toBe(0);
  });

  it('spreads the cost left over the slots at the measured seconds per unit of cost', () => {
    // 20 s for a cost of 2: 10 s a unit. Left: 3 + 1 + 2 = 6 units over 2 slots.
    expect(sweepEta([{ seconds: 20, cost: 2 }], [3, 1, 2], 2)).toBeCloseTo(30);
  });

  it('never promises less than the longest trial left', () => {
    expect(sweepEta([{ seconds: 10, cost: 1 }], [5, 1], 4)).toBeCloseTo(50);
  });

  it('falls back to the mean trial time when a cost is unknown', () => {
    expect(
      sweepEta(
        [
          { seconds: 10, cost: undefined },
          { seconds: 20, cost: 1 },
        ],
        [undefined, 2, 2],
        2,
      ),
    ).toBeCloseTo((3 * 15) / 2);
    expect(sweepEta([{ seconds: 12, cost: 0 }], [0], 2)).toBeCloseTo(12);
  });
});
