import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { appVersion } from '../../src-main/services/appVersion.ts';
import { openProject } from '../../src-main/services/project/openProject.ts';
import { createRun } from '../../src-main/services/runs/store/createRun.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { getRun } from '../../src-main/services/runs/store/getRun.ts';
import { TrainingRunner } from '../../src-main/services/training/TrainingRunner.ts';
import { trainWarningsFor } from '../../src-main/services/training/trainWarningsFor.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-relative-');

describe('a run whose schedule and pruning are timed as shares of the run', () => {
  it('follows its stages and prunes to its sparsity in however many steps the data gives; TF-MOT steps are warned about', async () => {
    const projectDir = path.join(dir, 'project');
    await createWordsProject(path.join(dir, 'home'), projectDir);
    const project = openProject(projectDir);

    const spec: TrainSpec = {
      ...smallSpec(4),
      schedule: { kind: 'piecewise', fractions: [0.5, 0.5], rates: [0.01, 0.001] },
      pruning: { kind: 'constant', sparsity: 0.5, beginFraction: 0.25, endFraction: 1, frequencyFraction: 0.25 },
    };
    expect(trainWarningsFor(project.db, spec)).toEqual([]);
    // TF-MOT's usual begin step is far beyond this run.
    expect(
      trainWarningsFor(project.db, {
        ...spec,
        pruning: { kind: 'constant', sparsity: 0.5, beginStep: 2000, endStep: -1, frequency: 100 },
      })[0],
    ).toMatch(/^Pruning never starts: it begins at step 2000, after the run's last step \(\d+\)\./);

    const runId = createRun(project.db, spec, createSnapshot(project.db), appVersion);
    expect((await new TrainingRunner(() => {}).start(projectDir, runId, false)).status).toBe('done');
    const run = getRun(project.db, runId)!;
    const steps = run.summary!.steps;
    expect(run.summary!.epochs).toBe(4);
    // One point per epoch, at the rate of the epoch's last step: the first two epochs in stage 1, the last two in stage 2.
    expect(run.metrics.learning_rate!.map((point) => point.value)).toEqual([0.01, 0.01, 0.001, 0.001]);
    expect(run.metrics.learning_rate!.at(-1)!.step).toBe(steps);
    for (const layer of run.summary!.pruning) expect(layer.sparsity).toBeCloseTo(0.5, 1);
    expect(run.metrics.sparsity![0]!.value).toBeGreaterThan(0.4);
    project.db.close();
  }, 240_000);
});

describe('a pruned run keeps weights at its final sparsity', () => {
  it('chooses the best epoch only among those trained at the final sparsity, so the kept model is the one validated', async () => {
    const projectDir = path.join(dir, 'pruned-best');
    await createWordsProject(path.join(dir, 'home'), projectDir);
    const project = openProject(projectDir);
    // Pruning starts halfway: the best validation epoch of the unpruned half must not be the one kept.
    const spec: TrainSpec = {
      ...smallSpec(30),
      pruning: {
        kind: 'polynomial',
        initialSparsity: 0,
        finalSparsity: 0.8,
        power: 3,
        beginFraction: 0.5,
        endFraction: 0.8,
        frequencyFraction: 0.05,
      },
    };
    const runId = createRun(project.db, spec, createSnapshot(project.db), appVersion);
    expect((await new TrainingRunner(() => {}).start(projectDir, runId, false)).status).toBe('done');
    const run = getRun(project.db, runId)!;
    const sparsityAt = new Map(run.metrics.sparsity!.map((point) => [point.step, point.value]));
    const eligible = run.metrics.val_accuracy!.filter((point) => sparsityAt.get(point.step)! >= 0.79);
    expect(eligible.length).toBeGreaterThan(0);
    // The kept weights come from an epoch trained at the final sparsity, and the run's validation
    // accuracy is that kept (stripped) model's.
    const kept = run.metrics.epoch!.find((point) => point.value === run.summary!.bestEpoch)!;
    expect(sparsityAt.get(kept.step)).toBeGreaterThanOrEqual(0.79);
    expect(run.summary!.validationAccuracy).toBeCloseTo(Math.max(...eligible.map((point) => point.value)), 5);
    expect(run.summary!.model.sparsity).toBeGreaterThan(0.75);
    project.db.close();
  }, 240_000);
});
