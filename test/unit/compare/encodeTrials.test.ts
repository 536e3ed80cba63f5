import { describe, expect, it } from 'vitest';
import { encodeTrials } from '../../../src-shared/compare/encodeTrials.ts';

describe('encodeTrials', () => {
  it('codes numbers as ordered levels and the rest as categories, dropping constant parameters', () => {
    const encoded = encodeTrials([
      { lr: 0.01, kind: 'ds_cnn', seed: 1, center: true },
      { lr: 0.001, kind: 'conv', seed: 1, center: false },
      { lr: 0.1, kind: 'ds_cnn', seed: 1, center: true },
      { lr: 0.001, kind: 'tiny_conv', seed: 1, center: true },
    ]);
    expect(encoded.map((parameter) => [parameter.key, parameter.kind, parameter.levels, [...parameter.codes]])).toEqual(
      [
        ['lr', 'numeric', [0.001, 0.01, 0.1], [1, 0, 2, 0]],
        ['kind', 'categorical', ['ds_cnn', 'conv', 'tiny_conv'], [0, 1, 0, 2]],
        ['center', 'categorical', [true, false], [0, 1, 0, 0]],
      ],
    );
  });

  it('gives a missing or NaN value a level of its own, first for numbers', () => {
    const [sparsity, mode] = encodeTrials([
      { sparsity: 0.5, mode: 'a' },
      { sparsity: 0.25 },
      { sparsity: NaN, mode: 'b' },
      { sparsity: null, mode: 1 },
      { mode: '1' },
    ]);
    expect(sparsity!.levels).toEqual([null, 0.25, 0.5]);
    expect([...sparsity!.codes]).toEqual([2, 1, 0, 0, 0]);
    // Mixed kinds are categories, and 1 is not "1".
    expect(mode!.kind).toBe('categorical');
    expect(mode!.levels).toEqual(['a', null, 'b', 1, '1']);
  });

  it('leaves out parameters with a single value, missing or not', () => {
    expect(encodeTrials([{ a: 1, b: null }, { a: 1 }, { a: 1, b: null }])).toEqual([]);
  });
});
