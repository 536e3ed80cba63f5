import { describe, expect, it } from 'vitest';
import { parseSweepSpec } from '../../src-shared/contract/sweepSpecSchema.ts';
import type { SweepSpec } from '../../src-shared/model/SweepSpec.ts';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { expandSweep } from '../../src-shared/sweep/expandSweep.ts';
import { sweepWarnings } from '../../src-shared/sweep/sweepWarnings.ts';
import { runLength } from '../../src-shared/training/runLength.ts';
import { trainSpecWarnings } from '../../src-shared/training/trainSpecWarnings.ts';
import { loadPresets } from '../../src-main/services/features/loadFeaturePresets.ts';
import { smallSpec } from '../support/trainingData.ts';

/** TF-MOT's usual numbers, in steps: fine for 30 epochs of Speech Commands, never reached in a demo trial. */
const tfmotPruning: TrainSpec['pruning'] = {
  kind: 'polynomial',
  initialSparsity: 0,
  finalSparsity: 0.5,
  power: 3,
  beginStep: 200,
  endStep: 2000,
  frequency: 100,
};
const sharePruning: TrainSpec['pruning'] = {
  kind: 'polynomial',
  initialSparsity: 0,
  finalSparsity: 0.5,
  power: 3,
  beginFraction: 0.1,
  endFraction: 0.7,
  frequencyFraction: 0.05,
};

function sweep(change: Partial<SweepSpec> = {}, base: Partial<TrainSpec> = {}): SweepSpec {
  return {
    base: { ...smallSpec(20), pruning: tfmotPruning, ...base },
    axes: [{ path: 'pruning.finalSparsity', values: [0.5, 0.75] }],
    strategy: { kind: 'grid' },
    constraints: { maxGzipKb: null, maxLatencyMs: null, minValAccuracy: null },
    objectives: ['val_accuracy', 'gzip_kb'],
    ...change,
  };
}

/** Every trial on a training split of `examples` (2 steps per epoch at batch 16 for 20 examples), with one model size. */
function warningsOf(spec: SweepSpec, examples = 20, sizeBytes: number | null = null): string[] {
  const halving = spec.strategy.kind === 'halving' ? spec.strategy.minEpochs : null;
  return sweepWarnings(
    parseSweepSpec(spec),
    expandSweep(spec).map((plan) => ({
      plan,
      sizeBytes,
      totalSteps: runLength(examples, { ...plan.spec, epochs: halving ?? plan.spec.epochs }).totalSteps,
    })),
  );
}

describe('sweep warnings', () => {
  it('say when pruning never starts, and that the trials then train alike', () => {
    const warnings = warningsOf(sweep());
    expect(warnings).toEqual([
      "In every trial, pruning never starts: it begins at step 200, after the run's last step (40). Time it as shares of the run (beginFraction, endFraction, frequencyFraction) to fit any length.",
      'One trial repeats another: trial 2 (pruning.finalSparsity=0.75) would train exactly like trial 1 (pruning.finalSparsity=0.5), because in 40 steps neither prunes a weight.',
    ]);
    // The same grid timed as shares of the run prunes every trial, each to its own sparsity.
    expect(warningsOf(sweep({}, { pruning: sharePruning }))).toEqual([]);
  });

  it('tell pruning that never updates its masks, or stops short, from pruning that works', () => {
    const begins = sweep(
      { axes: [{ path: 'pruning.beginStep', values: [0, 10] }] },
      { pruning: { ...tfmotPruning!, beginStep: 0 } },
    );
    expect(warningsOf(begins)).toEqual([
      "In 1 of 2 trials (trial 1: pruning.beginStep=0), pruning never updates its masks: the first update would come at step 100 (every 100 steps from step 0), after the run's last step (40). Time it as shares of the run (beginFraction, endFraction, frequencyFraction) to fit any length.",
      'In 1 of 2 trials (trial 2: pruning.beginStep=10), pruning never removes a weight: its one mask update (step 10) asks for 0 % sparsity before the run ends (step 40). Time it as shares of the run (beginFraction, endFraction, frequencyFraction) to fit any length.',
      'One trial repeats another: trial 2 (pruning.beginStep=10) would train exactly like trial 1 (pruning.beginStep=0), because in 40 steps neither prunes a weight.',
    ]);
    const often = sweep(
      { axes: [{ path: 'pruning.endStep', values: [40, 400] }] },
      { pruning: { ...tfmotPruning!, beginStep: 0, frequency: 5 } },
    );
    expect(warningsOf(often)).toEqual([
      'In 1 of 2 trials (trial 2: pruning.endStep=400), pruning reaches only 13.6 % of its 50 % sparsity: its schedule ends at step 400, the run at step 40. Time it as shares of the run (beginFraction, endFraction, frequencyFraction) to fit any length.',
    ]);
  });

  it('find trials that resolve to the same run: shares that round alike, epochs a schedule in steps ignores', () => {
    const shares = sweep(
      { axes: [{ path: 'pruning.beginFraction', values: [0.1, 0.11, 0.3] }] },
      { pruning: sharePruning },
    );
    expect(warningsOf(shares)).toEqual([
      'One trial repeats another: trial 2 (pruning.beginFraction=0.11) would train exactly like trial 1 (pruning.beginFraction=0.1), because in 40 steps both update the pruning masks at the same steps to the same sparsity.',
    ]);
    const stages = sweep(
      { axes: [{ path: 'epochs', values: [10, 20, 40] }] },
      { pruning: null, schedule: { kind: 'piecewise', steps: [30, 10], rates: [0.01, 0.001] } },
    );
    expect(warningsOf(stages)).toEqual([
      '2 trials repeat others: trial 2 (epochs=20) would train exactly like trial 1 (epochs=10), because the piecewise stages, given in steps, set the length (40 steps) whatever the epochs.',
    ]);
    expect(
      warningsOf({
        ...stages,
        base: { ...stages.base, schedule: { kind: 'piecewise', fractions: [0.75, 0.25], rates: [0.01, 0.001] } },
      }),
    ).toEqual([]);
    const repeated = sweep({ axes: [{ path: 'model.dropout', values: [0.1, 0.1] }] }, { pruning: null });
    expect(warningsOf(repeated)[0]).toMatch(/because an axis repeats a value\.$/);
  });

  it('say when successive halving cannot give rungs more epochs', () => {
    const halving = sweep(
      {
        axes: [{ path: 'model.dropout', values: [0, 0.1, 0.2] }],
        strategy: { kind: 'halving', trials: null, seed: 1, minEpochs: 2, maxEpochs: 18, reduction: 3 },
      },
      { pruning: null, schedule: { kind: 'piecewise', steps: [30, 10], rates: [0.01, 0.001] } },
    );
    expect(warningsOf(halving)).toEqual([
      'In every trial, successive halving changes nothing: the piecewise stages, given in steps, set the length (40 steps), so every rung trains as long as the first. Give the stages as fractions of the run, or drop steps.',
    ]);
  });

  it('say what a size bound can do before anything trains, no more', () => {
    const bounded = (maxGzipKb: number) =>
      sweep({ constraints: { maxGzipKb, maxLatencyMs: null, minValAccuracy: null } }, { pruning: sharePruning });
    expect(warningsOf(bounded(200), 20, 100 * 1024)).toEqual([
      "No trial can break the 200 KB size bound: even uncompressed, the largest model's float32 weights are 100 KB. The bound has no effect.",
    ]);
    expect(warningsOf(bounded(10), 20, 100 * 1024)).toEqual([
      'In every trial, the model will almost certainly break the 10 KB size bound whatever it learns: even the lightest model has 100 KB of float32 weights, pruned to at most 75 %, and gzip rarely shrinks float32 weights below 80 %.',
    ]);
    expect(warningsOf(bounded(30), 20, 100 * 1024)).toEqual([
      'In 1 of 2 trials (trial 1: pruning.finalSparsity=0.5), the model will almost certainly break the 30 KB size bound whatever it learns: its model has 100 KB of float32 weights, pruned to at most 50 %, and gzip rarely shrinks float32 weights below 80 %.',
    ]);
    // Between the two, only training can tell; and without sizes nothing is said.
    expect(warningsOf(bounded(60), 20, 100 * 1024)).toEqual([]);
    expect(warningsOf(bounded(10), 20, null)).toEqual([]);
  });

  it('leave the shipped presets quiet on a demo-sized run', () => {
    for (const preset of loadPresets('sweeps', parseSweepSpec))
      expect(warningsOf(preset.spec, 150), preset.id).toEqual([]);
  });
});

describe('single-run warnings', () => {
  it('cover a warm-up or a cycle longer than the run', () => {
    const spec = smallSpec(2);
    expect(
      trainSpecWarnings({ ...spec, schedule: { kind: 'cosine', initial: 0.01, final: 0, warmupSteps: 100 } }, 40).map(
        (warning) => warning.message,
      ),
    ).toEqual(['The warm-up (100 steps) lasts the whole run (40 steps): the learning rate never decays.']);
    expect(
      trainSpecWarnings({ ...spec, schedule: { kind: 'cosine', initial: 0.01, final: 0, warmupFraction: 0.05 } }, 40),
    ).toEqual([]);
    expect(
      trainSpecWarnings(
        { ...spec, schedule: { kind: 'cyclical', low: 0.001, high: 0.01, stepsPerHalfCycle: 500 } },
        40,
      )[0]!.code,
    ).toBe('cycle-longer-than-run');
    expect(
      trainSpecWarnings(
        { ...spec, pruning: { kind: 'constant', sparsity: 0.5, beginFraction: 0.5, endStep: 10, frequency: 1 } },
        40,
      )[0]!.message,
    ).toMatch(/^Pruning cannot run 40 steps: pruning.endStep \(10\) must be −1 or ≥ beginStep \(20\)\.$/);
  });
});
