import { describe, expect, it } from 'vitest';
import { metricAxis, parameterAxis, shortKey } from '../../../src-renderer/pages/compare/parallelAxes.ts';
import type { SweepParameter } from '../../../src-shared/model/RunComparison.ts';

const numberParameter = (values: SweepParameter['values']): SweepParameter => ({
  key: 'training.learningRate',
  type: 'number',
  values,
});

describe('parameterAxis', () => {
  it('puts numbers on a linear scale when they span less than 20×', () => {
    const axis = parameterAxis({ key: 'model.firstConv.filters', type: 'number', values: [16, 32, 64] });
    expect(axis.log).toBe(false);
    expect(axis.key).toBe('model.firstConv.filters');
    expect(axis.title).toBe('firstConv.filters');
    expect(axis.position(16)).toBe(0);
    expect(axis.position(64)).toBe(1);
    expect(axis.position(32)).toBeCloseTo(16 / 48, 12);
    expect(axis.position(40)).toBeCloseTo(0.5, 12);
    expect(axis.ticks.map((tick) => tick.text)).toEqual(['16', '32', '64']);
    expect(axis.ticks.map((tick) => tick.at)).toEqual([0, 1 / 3, 1]);
  });

  it('switches to a log scale for positive numbers spanning 20× or more', () => {
    const axis = parameterAxis(numberParameter([0.001, 0.01, 0.1]));
    expect(axis.log).toBe(true);
    expect(axis.title).toBe('learningRate');
    expect(axis.position(0.001)).toBeCloseTo(0, 12);
    expect(axis.position(0.01)).toBeCloseTo(0.5, 12);
    expect(axis.position(0.1)).toBeCloseTo(1, 12);
    expect(axis.ticks.map((tick) => tick.text)).toEqual(['0.001', '0.01', '0.1']);
  });

  it('draws the line between linear and log at exactly 20×, and never logs zero or negatives', () => {
    expect(parameterAxis(numberParameter([1, 20])).log).toBe(true);
    expect(parameterAxis(numberParameter([1, 19.9])).log).toBe(false);
    const withZero = parameterAxis(numberParameter([0, 1, 100]));
    expect(withZero.log).toBe(false);
    expect(withZero.position(50)).toBeCloseTo(0.5, 12);
    expect(parameterAxis(numberParameter([-100, -1])).log).toBe(false);
  });

  it('keeps a missing number at the bottom and lifts the numbers above it', () => {
    const axis = parameterAxis(numberParameter([1, 2, 3, null]));
    expect(axis.position(null)).toBe(0);
    expect(axis.position(1)).toBeCloseTo(0.12, 12);
    expect(axis.position(2)).toBeCloseTo(0.12 + 0.5 * 0.88, 12);
    expect(axis.position(3)).toBeCloseTo(1, 12);
    expect(axis.ticks.map((tick) => tick.text)).toEqual(['1', '2', '3', 'none']);
    expect(axis.ticks.at(-1)!.at).toBe(0);
  });

  it('gives values a number axis cannot place no position', () => {
    const axis = parameterAxis(numberParameter([1, 2, 3]));
    expect(axis.position(null)).toBeNull();
    expect(axis.position('two')).toBeNull();
    expect(axis.position(true)).toBeNull();
  });

  it('thins the ticks of many numbers to five picked evenly, ends included', () => {
    const axis = parameterAxis(numberParameter([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(axis.log).toBe(false);
    expect(axis.ticks.map((tick) => tick.text)).toEqual(['1', '3', '5', '7', '9']);
    expect(axis.ticks.map((tick) => tick.at)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // Seven or fewer keep a tick each.
    expect(parameterAxis(numberParameter([1, 2, 3, 4, 5, 6, 7])).ticks).toHaveLength(7);
  });

  it('spaces text values evenly as categories, in the order given', () => {
    const axis = parameterAxis({ key: 'training.optimizer', type: 'text', values: ['adam', 'rmsprop', 'sgd'] });
    expect(axis.log).toBe(false);
    expect(axis.title).toBe('optimizer');
    expect(axis.position('adam')).toBe(0);
    expect(axis.position('rmsprop')).toBe(0.5);
    expect(axis.position('sgd')).toBe(1);
    expect(axis.position('adagrad')).toBeNull();
    expect(axis.ticks).toEqual([
      { at: 0, text: 'adam' },
      { at: 0.5, text: 'rmsprop' },
      { at: 1, text: 'sgd' },
    ]);
  });

  it('tells a boolean from the text that spells it, and makes a missing value a category named none', () => {
    const axis = parameterAxis({ key: 'augment.enabled', type: 'bool', values: [false, true, null] });
    // Missing sits at the bottom, as on the numeric axes.
    expect(axis.position(null)).toBe(0);
    expect(axis.position(false)).toBe(0.5);
    expect(axis.position(true)).toBe(1);
    expect(axis.position('true')).toBeNull();
    expect(axis.ticks.map((tick) => tick.text)).toEqual(['none', 'false', 'true']);
  });

  it('treats a number parameter with a single present value as categories', () => {
    const axis = parameterAxis(numberParameter([5, null]));
    expect(axis.log).toBe(false);
    expect(axis.ticks.map((tick) => tick.text)).toEqual(['none', '5']);
    expect(axis.position(null)).toBe(0);
    expect(axis.position(5)).toBe(1);
    expect(parameterAxis(numberParameter([5])).position(5)).toBe(0.5);
  });
});

describe('metricAxis', () => {
  const format = (value: number) => value.toFixed(2);

  it('runs linearly from the lowest to the highest finite value, skipping missing ones', () => {
    const axis = metricAxis('val_accuracy', [0.5, null, 0.9, Number.NaN, 0.7], format);
    expect(axis.key).toBe('val_accuracy');
    expect(axis.title).toBe('val_accuracy');
    expect(axis.log).toBe(false);
    expect(axis.position(0.5)).toBe(0);
    expect(axis.position(0.9)).toBe(1);
    expect(axis.position(0.8)).toBeCloseTo(0.75, 12);
    expect(axis.position(null)).toBeNull();
    expect(axis.position(Number.NaN)).toBeNull();
    expect(axis.position('0.8')).toBeNull();
    expect(axis.ticks.map((tick) => tick.at)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(axis.ticks.map((tick) => tick.text)).toEqual(['0.50', '0.60', '0.70', '0.80', '0.90']);
  });

  it('centres every value when all trials reached the same one', () => {
    const axis = metricAxis('gzip_kb', [12, 12, null], format);
    expect(axis.position(12)).toBe(0.5);
    expect(axis.ticks).toEqual([{ at: 0.5, text: '12.00' }]);
  });

  it('falls back to 0–1 when no trial has a value yet', () => {
    const axis = metricAxis('val_accuracy', [null, null], format);
    expect(axis.position(0.25)).toBe(0.25);
    expect(axis.ticks.map((tick) => tick.text)).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
  });
});

describe('shortKey', () => {
  it('keeps the last two parts of a dotted key, or the only meaningful one', () => {
    expect(shortKey('model.firstConv.filters')).toBe('firstConv.filters');
    expect(shortKey('a.b.c.d')).toBe('c.d');
    expect(shortKey('model.kind')).toBe('kind');
    expect(shortKey('epochs')).toBe('epochs');
  });
});
