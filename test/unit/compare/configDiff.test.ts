import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDiff } from '../../../src-shared/compare/configDiff.ts';

const preset = (id: string): Record<string, unknown> =>
  JSON.parse(
    fs.readFileSync(
      path.resolve(import.meta.dirname, '..', '..', '..', 'resources', 'presets', 'train', `${id}.json`),
      'utf8',
    ),
  ).spec;

describe('configDiff', () => {
  it('shows only what differs between two runs of one preset', () => {
    const base = preset('ds-cnn');
    const changed = {
      ...base,
      seed: 2,
      features: { ...(base.features as object), mfccCount: 13 },
      model: { ...(base.model as object), blocks: [64, 64, 64] },
    };
    expect(configDiff([base, changed])).toEqual([
      { key: 'seed', values: [1, 2] },
      { key: 'features.mfccCount', values: [10, 13] },
      { key: 'model.blocks', values: ['64, 64, 64, 64', '64, 64, 64'] },
    ]);
    expect(configDiff([base, structuredClone(base)])).toEqual([]);
  });

  it('counts a key missing in some run as different and shows it as null', () => {
    const rows = configDiff([preset('ds-cnn'), preset('tiny-conv')]);
    const byKey = new Map(rows.map((row) => [row.key, row.values]));
    expect(byKey.get('model.kind')).toEqual(['ds_cnn', 'tiny_conv']);
    expect(byKey.get('model.firstConv.filters')).toEqual([64, null]);
    expect(byKey.get('model.blocks')).toEqual(['64, 64, 64, 64', null]);
    // A key that is null in one run and missing in another still differs: one run has the setting.
    expect(configDiff([{ a: null }, {}])).toEqual([{ key: 'a', values: [null, null] }]);
    // Same value in every run: not shown.
    expect(byKey.has('features.sampleRate')).toBe(false);
  });

  it('groups keys by section in spec order and sorts them within a section', () => {
    const rows = configDiff([
      { model: { z: 1, a: 1, blocks: [{ f: 1 }, { f: 1 }, { f: 1 }] }, features: { b: 1 }, seed: 1 },
      { model: { z: 2, a: 2, blocks: [{ f: 2 }, { f: 2 }, { f: 2 }] }, features: { b: 2 }, seed: 2, extra: true },
    ]);
    expect(rows.map((row) => row.key)).toEqual([
      'model.a',
      'model.blocks[0].f',
      'model.blocks[1].f',
      'model.blocks[2].f',
      'model.z',
      'features.b',
      'seed',
      'extra',
    ]);
    expect(
      configDiff([
        { 'blocks[2]': 1, 'blocks[10]': 1 },
        { 'blocks[2]': 2, 'blocks[10]': 2 },
      ]).map((row) => row.key),
    ).toEqual(['blocks[2]', 'blocks[10]']);
  });

  it('compares three runs, and NaN equals NaN', () => {
    expect(
      configDiff([
        { a: 1, b: NaN },
        { a: 1, b: NaN },
        { a: 2, b: NaN },
      ]),
    ).toEqual([{ key: 'a', values: [1, 1, 2] }]);
    expect(configDiff([])).toEqual([]);
    expect(configDiff([{ a: 1 }])).toEqual([]);
  });
});
