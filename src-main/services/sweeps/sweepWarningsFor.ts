import type { SweepSpec } from '../../../src-shared/model/SweepSpec.ts';
import { expandSweep, sweepTrialCount } from '../../../src-shared/sweep/expandSweep.ts';
import { sweepWarnings, type TrialFacts } from '../../../src-shared/sweep/sweepWarnings.ts';
import { runLength } from '../../../src-shared/training/runLength.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { libraryClips } from '../runs/store/libraryClips.ts';
import { planDataset, type DatasetPlan } from '../../../src-shared/training/planDataset.ts';
import { modelStatsOf } from './trialCost.ts';

/** Past this many trials the check gives no warnings: planning them all would stall it. */
const MAX_TRIALS = 5000;
/** Model sizes (for a size bound) are looked up for at most this many distinct models. */
const MAX_MODELS = 64;

/**
 * The sweep's warnings (see sweepWarnings) on the project's data as it is now: each trial's length
 * from its data plan, batch size and epochs (the first rung's under successive halving), and, when
 * a size bound is set, its model's float32 size.
 */
export async function sweepWarningsFor(db: ProjectDatabase, sweep: SweepSpec): Promise<string[]> {
  if (sweepTrialCount(sweep) > MAX_TRIALS) return [];
  const plans = expandSweep(sweep);
  const clips = libraryClips(db);
  // The split sizes follow from the data spec alone (the seed picks which unknown words, not how many).
  const datasets = new Map<string, DatasetPlan>();
  const halving = sweep.strategy.kind === 'halving' ? sweep.strategy : null;
  const trials: (TrialFacts & { classes: number })[] = [];
  for (const plan of plans) {
    const key = JSON.stringify(plan.spec.data);
    let dataset = datasets.get(key);
    if (!dataset) {
      try {
        dataset = planDataset(clips, plan.spec.data, plan.spec.seed);
      } catch (error) {
        return [
          `The project's data cannot train this sweep yet: ${error instanceof Error ? error.message : String(error)}.`,
        ];
      }
      datasets.set(key, dataset);
    }
    const epochs = halving ? halving.minEpochs : plan.spec.epochs;
    const { totalSteps } = runLength(dataset.items.train.length, { ...plan.spec, epochs });
    trials.push({ plan, totalSteps, sizeBytes: null, classes: dataset.classes.length });
  }
  if (sweep.constraints.maxGzipKb !== null) {
    const models = new Set(
      trials.map((trial) => JSON.stringify([trial.plan.spec.model, trial.plan.spec.features, trial.classes])),
    );
    if (models.size <= MAX_MODELS) {
      for (const trial of trials)
        trial.sizeBytes = (await modelStatsOf(trial.plan.spec, trial.classes))?.sizeBytes ?? null;
    }
  }
  return sweepWarnings(sweep, trials);
}
