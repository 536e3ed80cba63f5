import { describe, expect, it } from 'vitest';
import { paretoFront, type ParetoObjective } from '../../../src-shared/compare/paretoFront.ts';
import { paretoFront as trialParetoFront, type TrialScore } from '../../../src-main/services/sweeps/trialScores.ts';

interface Point {
  id: string;
  accuracy: number | null;
  kb: number | null;
}
const accuracyUp: ParetoObjective<Point> = { value: (point) => point.accuracy, direction: 'max' };
const sizeDown: ParetoObjective<Point> = { value: (point) => point.kb, direction: 'min' };
const ids = (points: Point[]) => points.map((point) => point.id);

describe('paretoFront', () => {
  it('keeps the items nothing beats on both a max and a min objective, in input order', () => {
    const points: Point[] = [
      { id: 'big-good', accuracy: 0.95, kb: 80 },
      { id: 'dominated', accuracy: 0.9, kb: 90 },
      { id: 'small-ok', accuracy: 0.85, kb: 20 },
      { id: 'middle', accuracy: 0.9, kb: 40 },
      { id: 'worse-middle', accuracy: 0.88, kb: 40 },
    ];
    expect(ids(paretoFront(points, [accuracyUp, sizeDown]))).toEqual(['big-good', 'small-ok', 'middle']);
    expect(ids(paretoFront(points, [accuracyUp]))).toEqual(['big-good']);
    expect(ids(paretoFront(points, [sizeDown]))).toEqual(['small-ok']);
  });

  it('keeps ties together: equal items do not dominate each other', () => {
    const points: Point[] = [
      { id: 'a', accuracy: 0.9, kb: 40 },
      { id: 'b', accuracy: 0.9, kb: 40 },
      { id: 'c', accuracy: 0.9, kb: 50 },
    ];
    expect(ids(paretoFront(points, [accuracyUp, sizeDown]))).toEqual(['a', 'b']);
  });

  it('never puts an item missing a value on the front, and does not let it dominate', () => {
    const points: Point[] = [
      { id: 'no-size', accuracy: 0.99, kb: null },
      { id: 'nan', accuracy: NaN, kb: 1 },
      { id: 'only', accuracy: 0.5, kb: 100 },
    ];
    expect(ids(paretoFront(points, [accuracyUp, sizeDown]))).toEqual(['only']);
    expect(ids(paretoFront(points, [accuracyUp]))).toEqual(['no-size']);
    expect(paretoFront([], [accuracyUp])).toEqual([]);
    // No objectives: nothing dominates anything.
    expect(ids(paretoFront(points, []))).toEqual(['no-size', 'nan', 'only']);
  });

  it('backs the sweep front: constraints first, then accuracy up and size and latency down', () => {
    const score = (
      trialId: number,
      valAccuracy: number | null,
      gzipKb: number,
      latencyMs: number,
      meetsConstraints = true,
    ): TrialScore => ({
      trialId,
      config: trialId,
      rung: 0,
      runId: `run-${trialId}`,
      overrides: {},
      valAccuracy,
      testAccuracy: valAccuracy,
      gzipKb,
      latencyMs,
      int8Accuracy: null,
      int8ZlibKb: null,
      int8LatencyMs: null,
      meetsConstraints,
    });
    const scores = [
      score(0, 0.9, 50, 1),
      score(1, 0.95, 80, 1),
      score(2, 0.85, 60, 1.2),
      score(3, 0.9, 40, 1),
      score(4, 0.99, 10, 0.1, false),
      score(5, null, 1, 0.01),
    ];
    expect(trialParetoFront(scores, ['val_accuracy', 'gzip_kb', 'latency_ms']).map((item) => item.trialId)).toEqual([
      1, 3,
    ]);
    expect(trialParetoFront(scores, ['gzip_kb']).map((item) => item.trialId)).toEqual([5]);
  });
});
