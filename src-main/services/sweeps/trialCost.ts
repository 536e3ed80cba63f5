import { featureGeometry } from '../../../src-shared/dsp/featureGeometry.ts';
import type { ModelStats } from '../../../src-shared/model/ModelSpec.ts';
import type { SweepSpec } from '../../../src-shared/model/SweepSpec.ts';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import { withOverrides } from '../../../src-shared/sweep/expandSweep.ts';
import { modelStatsFor } from '../training/models/modelStatsFor.ts';
import type { TrialRow } from './sweepStore.ts';

/** The output layer's size barely moves the cost; any class count gives the same ranking. */
const CLASSES_FOR_COST = 10;
/** Models are built once per distinct model, input shape and class count, for the life of the process. */
const statsByShape = new Map<string, Promise<ModelStats | null>>();
const MAX_SHAPES = 1000;

/** A spec's model statistics on its features' shape for `classes` outputs; null when it cannot be built. */
export function modelStatsOf(spec: TrainSpec, classes = CLASSES_FOR_COST): Promise<ModelStats | null> {
  const { frames, bins } = featureGeometry(spec.features);
  const key = JSON.stringify([spec.model, frames, bins, classes]);
  let stats = statsByShape.get(key);
  if (stats === undefined) {
    // A model that cannot be built fails in its own trial, with the reason; it costs nothing to try.
    stats = modelStatsFor(spec.model, spec.features, classes).catch(() => null);
    if (statsByShape.size >= MAX_SHAPES) statsByShape.clear();
    statsByShape.set(key, stats);
  }
  return stats;
}

/** A spec's multiply-accumulates per example (its model on its features' shape); 0 when it cannot be built. */
export async function macsOf(spec: TrainSpec): Promise<number> {
  return (await modelStatsOf(spec))?.macs ?? 0;
}

/**
 * A trial's relative training cost: its model's multiply-accumulates per example, for its features,
 * times its epochs. The scheduler starts the costliest queued trial first, so short trials fill the
 * end of a sweep instead of one long trial running alone on one core while the others idle; and the
 * ETA weighs the trials left by their cost.
 */
export function createTrialCost(spec: SweepSpec): (trial: TrialRow) => Promise<number> {
  return async (trial) => (await macsOf(withOverrides(spec.base, trial.overrides, trial.config))) * trial.epochs;
}
