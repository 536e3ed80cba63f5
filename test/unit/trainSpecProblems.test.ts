import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { problemOf, specProblems } from '../../src-renderer/pages/train/specProblems.ts';
import { formatBlocks, formatCount, formatDuration, formatRate } from '../../src-renderer/lib/ui/format.ts';

const preset = (id: string): TrainSpec =>
  JSON.parse(
    fs.readFileSync(
      path.resolve(import.meta.dirname, '..', '..', 'resources', 'presets', 'train', `${id}.json`),
      'utf8',
    ),
  ).spec as TrainSpec;

describe('the Train page names spec problems in plain words', () => {
  it('finds none in the presets', () => {
    for (const id of ['tiny-conv', 'conv', 'low-latency-conv', 'ds-cnn', 'rep-inception'])
      expect(specProblems(preset(id), 12)).toEqual([]);
  });

  it('says which field, which entry and what is allowed', () => {
    const spec = preset('ds-cnn');
    const model = spec.model.kind === 'ds_cnn' ? spec.model : null;
    const broken = {
      ...spec,
      batchSize: 0,
      epochs: 2.5,
      model: {
        ...model!,
        dropout: 1.2,
        blocks: [64, NaN],
        firstConv: { ...model!.firstConv, kernel: [0, 4] as [number, number] },
      },
      schedule: { kind: 'piecewise' as const, steps: [100, 200], rates: [0.1] },
    };
    const messages = specProblems(broken, 5).map((problem) => problem.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'Batch size: must be at least 1',
        'Epochs: must be a whole number',
        'Dropout: must be at most 0.95',
        'Block filters (value 2): must be a number',
        'First conv kernel (time): must be at least 1',
        'Schedule: a piecewise schedule needs one rate per stage (as many rates as step counts)',
      ]),
    );
    expect(problemOf(specProblems(broken, 5), 'model.blocks')).toBe('value 2: must be a number');
  });

  it('names the fields that time a schedule or pruning by the run', () => {
    const spec = preset('ds-cnn');
    const shares = { ...spec, schedule: { kind: 'piecewise' as const, fractions: [0.5, 0.3], rates: [1e-3, 1e-4] } };
    expect(specProblems(shares, 5).map((problem) => problem.message)).toEqual([
      "Stage shares of the run: the stages' shares of the run must add up to 1 (these add up to 0.8)",
    ]);
    const pruning = {
      ...spec,
      pruning: {
        kind: 'constant' as const,
        sparsity: 0.5,
        beginFraction: 1.2,
        endFraction: 1,
        frequencyFraction: 0.05,
      },
    };
    expect(specProblems(pruning, 5).map((problem) => problem.message)).toContain(
      'Pruning begin (share of run): must be at most 1',
    );
  });

  it('needs two classes and a training split', () => {
    expect(specProblems(preset('tiny-conv'), 1).map((problem) => problem.field)).toEqual(['data.wantedWords']);
    expect(specProblems(preset('tiny-conv'), 3, 0)[0]!.message).toMatch(
      /^Splits: no clip of the wanted words is in the training split/,
    );
  });
});

describe('model and run numbers', () => {
  it('are short and exact enough', () => {
    expect(formatCount(23_712)).toBe('23.7 k');
    expect(formatCount(2_660_000)).toBe('2.66 M');
    expect(formatCount(6_310)).toBe('6,310');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatRate(0.0005)).toBe('5e-4');
    expect(formatRate(0.01)).toBe('0.01');
    expect(formatBlocks([64, 64, 64, 64])).toBe('64×4');
    expect(formatBlocks([90, 45, 45])).toBe('90-45-45');
  });
});
