import type { SweepSpec } from '../../../src-shared/model/SweepSpec.ts';
import { expandSweep } from '../../../src-shared/sweep/expandSweep.ts';
import { appVersion } from '../appVersion.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import { planDataset } from '../../../src-shared/training/planDataset.ts';
import { createSnapshot } from '../runs/store/createSnapshot.ts';
import { snapshotClips } from '../runs/store/snapshotClips.ts';
import { createSweep } from './sweepStore.ts';
import { uniqueTrialBaseName } from './uniqueTrialBaseName.ts';

/**
 * Freezes a snapshot and queues every trial of the sweep; the scheduler then works the queue, on
 * this machine or, with `queueUrl`, through Redis to `kws-studio worker` processes.
 */
export function startSweep(
  project: OpenProject,
  requested: SweepSpec,
  options: { queueUrl?: string | null } = {},
): string {
  const spec: SweepSpec = {
    ...requested,
    base: { ...requested.base, name: uniqueTrialBaseName(project.db, requested.base.name?.trim() || 'trial') },
  };
  const trials = expandSweep(spec);
  const snapshotId = createSnapshot(project.db);
  // A data plan that cannot work fails here, once, instead of in every trial.
  planDataset(snapshotClips(project.db, snapshotId), spec.base.data, spec.base.seed);
  const halving = spec.strategy.kind === 'halving' ? spec.strategy : null;
  return createSweep(
    project.db,
    spec,
    snapshotId,
    appVersion,
    trials.map((trial) => ({ overrides: trial.overrides, epochs: halving ? halving.minEpochs : trial.spec.epochs })),
    options.queueUrl ?? null,
  );
}
