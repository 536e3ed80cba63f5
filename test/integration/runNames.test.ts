import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../src-shared/model/SweepSpec.ts';
import { expandSweep } from '../../src-shared/sweep/expandSweep.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { startSweep } from '../../src-main/services/sweeps/startSweep.ts';
import { getSweep } from '../../src-main/services/sweeps/sweepStore.ts';
import { createRun } from '../../src-main/services/runs/store/createRun.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { smallSpec, writeSource } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-run-names-');

describe('run names', () => {
  it('are unique in a project: "DS-CNN", "DS-CNN 2", …, and a second sweep numbers its trials under a name of its own', async () => {
    const studio = createServices({ home: path.join(dir, 'home') });
    try {
      await studio.services.project.create({ path: path.join(dir, 'project') });
      await studio.services.project.importFolder({ path: writeSource(dir, { perWord: 8, other: 4 }) });
      await studio.services.library.assignSplits({ validationPercent: 25, testPercent: 25 });
      const project = studio.session.require();
      const snapshot = createSnapshot(project.db);
      const nameOf = (runId: string) => project.db.prepare('SELECT name FROM runs WHERE id = ?').pluck().get(runId);

      const named = { ...smallSpec(1), name: 'DS-CNN' };
      expect([1, 2, 3].map(() => nameOf(createRun(project.db, named, snapshot, 'test')))).toEqual([
        'DS-CNN',
        'DS-CNN 2',
        'DS-CNN 3',
      ]);
      // A name that merely starts like another is its own.
      expect(nameOf(createRun(project.db, { ...named, name: 'DS-CNN small' }, snapshot, 'test'))).toBe('DS-CNN small');
      const unnamed = { ...named, name: undefined };
      expect([1, 2].map(() => nameOf(createRun(project.db, unnamed, snapshot, 'test')))).toEqual([
        'ds_cnn mfcc',
        'ds_cnn mfcc 2',
      ]);

      const sweep: SweepSpec = {
        name: 'grid',
        base: named,
        axes: [{ path: 'optimizer.beta1', values: [0.9, 0.8] }],
        strategy: { kind: 'grid' },
        constraints: { maxGzipKb: null, maxLatencyMs: null, minValAccuracy: null },
        objectives: ['val_accuracy'],
      };
      const trialNames = (sweepId: string) =>
        expandSweep(getSweep(project.db, sweepId)!.spec).map((trial) => trial.spec.name);
      expect(trialNames(startSweep(project, sweep))).toEqual(['DS-CNN #1', 'DS-CNN #2']);
      expect(trialNames(startSweep(project, sweep))).toEqual(['DS-CNN 2 #1', 'DS-CNN 2 #2']);
    } finally {
      studio.dispose();
    }
  });
});
