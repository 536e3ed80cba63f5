import { featureGeometry } from '../../../src-shared/dsp/featureGeometry.ts';
import type { SweepSpec } from '../../../src-shared/model/SweepSpec.ts';
import { withOverrides } from '../../../src-shared/sweep/expandSweep.ts';
import { modelStatsFor } from '../training/models/modelStatsFor.ts';
import type { TrialRow } from './sweepStore.ts';

/** The output layer's size barely moves the cost; any class count gives the same ranking. */
const CLASSES_FOR_COST = 10;

/**
 * A trial's relative training cost: its model's multiply-accumulates per example, for its features,
 * times its epochs. The scheduler starts the costliest queued trial first, so short trials fill the
 * end of a sweep instead of one long trial running alone on one core while the others idle; and the
 * ETA weighs the trials left by their cost. Models are built once per distinct model and input shape.
 */
export function createTrialCost(spec: SweepSpec): (trial: TrialRow) => Promise<number> {
  const macsByShape = new Map<string, number>();
  return async (trial) => {
    const trialSpec = withOverrides(spec.base, trial.overrides, trial.config);
    const { frames, bins } = featureGeometry(trialSpec.features);
    const key = JSON.stringify([trialSpec.model, frames, bins]);
    let macs = macsByShape.get(key);
    if (macs === undefined) {
      try {
        macs = (await modelStatsFor(trialSpec.model, trialSpec.features, CLASSES_FOR_COST)).macs;
      } catch {
        // A model that cannot be built fails in its own trial, with the reason; it costs nothing to try.
        macs = 0;
      }
      macsByShape.set(key, macs);
    }
    return macs * trial.epochs;
  };
}
