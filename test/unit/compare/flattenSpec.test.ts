import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { flattenSpec } from '../../../src-shared/compare/flattenSpec.ts';

const preset = (id: string): unknown =>
  JSON.parse(
    fs.readFileSync(
      path.resolve(import.meta.dirname, '..', '..', '..', 'resources', 'presets', 'train', `${id}.json`),
      'utf8',
    ),
  ).spec;

describe('flattenSpec', () => {
  it('turns a real DS-CNN spec into readable dotted keys in spec order', () => {
    const flat = flattenSpec(preset('ds-cnn'));
    expect(flat).toMatchObject({
      name: 'DS-CNN',
      seed: 1,
      'features.type': 'mfcc',
      'features.mfccCount': 10,
      'features.center': false,
      'features.topDb': null,
      'model.kind': 'ds_cnn',
      'model.firstConv.filters': 64,
      'model.firstConv.kernel': '10, 4',
      'model.blocks': '64, 64, 64, 64',
      'data.timeShiftMs': 100,
      'data.specAugment.timeMasks': 0,
      'data.wantedWords': null,
      'optimizer.kind': 'adam',
      earlyStopping: null,
      pruning: null,
    });
    const keys = Object.keys(flat);
    expect(keys.indexOf('features.type')).toBeLessThan(keys.indexOf('model.kind'));
    expect(keys.indexOf('model.kind')).toBeLessThan(keys.indexOf('data.timeShiftMs'));
    // Every value is a plain RunValue: nothing nested survives.
    for (const value of Object.values(flat))
      expect(value === null || ['string', 'number', 'boolean'].includes(typeof value)).toBe(true);
  });

  it('keeps every preset key a sweep axis path can name', () => {
    const flat = flattenSpec(preset('rep-inception'));
    expect(flat['model.branchKernels']).toBe('3, 5, 9');
    expect(flat['optimizer.beta1']).toBe(0.9);
    expect(flattenSpec(preset('conv'))['schedule.rates']).toBe('0.001, 0.0001');
  });

  it('indexes lists of objects, drops undefined, keeps null, and marks empty lists', () => {
    const flat = flattenSpec({
      layers: [{ filters: 8, kernel: [3, 3] }, { filters: 16 }],
      wantedWords: ['go', 'stop'],
      empty: [],
      gone: undefined,
      none: null,
      nested: { deeper: { value: 'x' }, emptyObject: {} },
      mixed: [1, null, 'a', true],
    });
    expect(flat).toEqual({
      'layers[0].filters': 8,
      'layers[0].kernel': '3, 3',
      'layers[1].filters': 16,
      wantedWords: 'go, stop',
      empty: '[]',
      none: null,
      'nested.deeper.value': 'x',
      mixed: '1, null, a, true',
    });
  });

  it('puts keys under a prefix, and a bare value only when there is one', () => {
    expect(flattenSpec({ kind: 'adam', beta1: 0.9 }, 'optimizer')).toEqual({
      'optimizer.kind': 'adam',
      'optimizer.beta1': 0.9,
    });
    expect(flattenSpec(0.5, 'dropout')).toEqual({ dropout: 0.5 });
    expect(flattenSpec(0.5)).toEqual({});
    expect(flattenSpec(null)).toEqual({});
    expect(flattenSpec([{ a: 1 }], 'runs')).toEqual({ 'runs[0].a': 1 });
  });
});
