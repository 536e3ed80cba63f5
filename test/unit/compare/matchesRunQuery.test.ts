import { describe, expect, it } from 'vitest';
import { matchesConditions } from '../../../src-shared/compare/matchesRunQuery.ts';
import type { RunCondition, RunValue } from '../../../src-shared/model/RunQuery.ts';

const run: Record<string, RunValue> = {
  name: 'DS-CNN go stop',
  'model.kind': 'ds_cnn',
  val_accuracy: 0.92,
  'features.mfccCount': 10,
  starred: true,
  tags: 'baseline, Small,edge',
  created: '2025-03-01T10:00:00Z',
  'stats.gzip_kb': null,
  loss: NaN,
};
const matches = (...conditions: RunCondition[]) => matchesConditions(run, conditions);

describe('matchesConditions', () => {
  it('compares numbers numerically, also against numbers typed as text', () => {
    expect(matches({ key: 'val_accuracy', op: '>', value: 0.9 })).toBe(true);
    expect(matches({ key: 'val_accuracy', op: '>', value: '0.9' })).toBe(true);
    expect(matches({ key: 'val_accuracy', op: '<', value: '0.9' })).toBe(false);
    expect(matches({ key: 'val_accuracy', op: '>=', value: 0.92 })).toBe(true);
    expect(matches({ key: 'val_accuracy', op: '<=', value: 0.92 })).toBe(true);
    expect(matches({ key: 'val_accuracy', op: '=', value: '0.920' })).toBe(true);
    // 10 > 9 as numbers, though "10" < "9" as text.
    expect(matches({ key: 'features.mfccCount', op: '>', value: '9' })).toBe(true);
    expect(matches({ key: 'features.mfccCount', op: '!=', value: 10 })).toBe(false);
  });

  it('compares text ignoring case, and ~ finds a part of it', () => {
    expect(matches({ key: 'model.kind', op: '=', value: 'DS_CNN' })).toBe(true);
    expect(matches({ key: 'model.kind', op: '=', value: 'ds' })).toBe(false);
    expect(matches({ key: 'model.kind', op: '!=', value: 'conv' })).toBe(true);
    expect(matches({ key: 'name', op: '~', value: 'GO STOP' })).toBe(true);
    expect(matches({ key: 'name', op: '~', value: 'stop go' })).toBe(false);
    expect(matches({ key: 'val_accuracy', op: '~', value: '0.9' })).toBe(true);
    expect(matches({ key: 'created', op: '>', value: '2025-01-01' })).toBe(true);
    expect(matches({ key: 'created', op: '<', value: '2025-01-01' })).toBe(false);
  });

  it('compares booleans with booleans and with true/false text', () => {
    expect(matches({ key: 'starred', op: '=', value: true })).toBe(true);
    expect(matches({ key: 'starred', op: '=', value: 'TRUE' })).toBe(true);
    expect(matches({ key: 'starred', op: '=', value: false })).toBe(false);
    expect(matches({ key: 'starred', op: '!=', value: false })).toBe(true);
  });

  it('lets a missing or null value meet only !=', () => {
    for (const key of ['nope', 'stats.gzip_kb']) {
      for (const op of ['=', '>', '>=', '<', '<=', '~'] as const) expect(matches({ key, op, value: 1 })).toBe(false);
      expect(matches({ key, op: '!=', value: 1 })).toBe(true);
    }
    expect(matches({ key: 'loss', op: '>', value: 0 })).toBe(false);
    expect(matches({ key: 'loss', op: '<', value: 0 })).toBe(false);
    expect(matches({ key: 'loss', op: '!=', value: 0 })).toBe(true);
  });

  it('treats tags as a set for = and !=, and as text for ~', () => {
    expect(matches({ key: 'tags', op: '=', value: 'small' })).toBe(true);
    expect(matches({ key: 'tags', op: '=', value: 'edge' })).toBe(true);
    expect(matches({ key: 'tags', op: '=', value: 'base' })).toBe(false);
    expect(matches({ key: 'tags', op: '!=', value: 'baseline' })).toBe(false);
    expect(matches({ key: 'tags', op: '!=', value: 'large' })).toBe(true);
    expect(matches({ key: 'tags', op: '~', value: 'base' })).toBe(true);
    expect(matchesConditions({ tags: '' }, [{ key: 'tags', op: '=', value: 'x' }])).toBe(false);
  });

  it('needs every condition; none means every run', () => {
    expect(matches({ key: 'val_accuracy', op: '>', value: 0.9 }, { key: 'model.kind', op: '=', value: 'ds_cnn' })).toBe(
      true,
    );
    expect(matches({ key: 'val_accuracy', op: '>', value: 0.9 }, { key: 'model.kind', op: '=', value: 'conv' })).toBe(
      false,
    );
    expect(matches()).toBe(true);
  });
});
