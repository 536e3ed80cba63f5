import type { RunSummary } from '../../../src-shared/model/Run.ts';
import type { SweepSpec } from '../../../src-shared/model/SweepSpec.ts';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import { expandSweep, sweepTrialCount } from '../../../src-shared/sweep/expandSweep.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { sweepEta } from './sweepEta.ts';
import { macsOf } from './trialCost.ts';

/** The builder estimates from this many recent runs, and from at most this many of the sweep's models. */
const RECENT_RUNS = 10;
const SAMPLED_PLANS = 48;
/** Past this many trials the builder gives no estimate: expanding and costing them would stall the check. */
const MAX_PLANS = 5000;

/**
 * Seconds a sweep would take on `slots` workers, before it starts: the project's recent finished runs
 * give the seconds per unit of cost (model MACs per example × epochs, see trialCost), the sweep's
 * trials give the cost to run, and sweepEta spreads it over the slots. Null without a finished run to
 * measure, or for a sweep too large to cost quickly.
 */
export async function estimateSweepSeconds(
  db: ProjectDatabase,
  sweep: SweepSpec,
  slots: number,
): Promise<number | null> {
  if (sweepTrialCount(sweep) > MAX_PLANS) return null;
  const measured = await recentRunCosts(db);
  if (!measured.length) return null;
  const plans = expandSweep(sweep);
  if (!plans.length) return 0;
  // Every trial's model when there are few; an even sample's mean MACs otherwise.
  const step = Math.max(1, plans.length / SAMPLED_PLANS);
  const sampled = plans.filter((_, index) => index % step < 1);
  const sampledMacs = await Promise.all(sampled.map((plan) => macsOf(plan.spec)));
  const exact = sampled.length === plans.length;
  const meanMacs = sampledMacs.reduce((sum, macs) => sum + macs, 0) / sampledMacs.length;
  const macsAt = (index: number) => (exact ? sampledMacs[index]! : meanMacs);

  const strategy = sweep.strategy;
  if (strategy.kind !== 'halving')
    return sweepEta(
      measured,
      plans.map((plan, index) => macsAt(index) * plan.spec.epochs),
      slots,
    );
  // Successive halving: the first rung is every configuration; which go on is not known yet, so later rungs cost the mean.
  const remaining = plans.map((_, index) => macsAt(index) * strategy.minEpochs);
  let count = plans.length;
  for (let epochs = strategy.minEpochs; epochs < strategy.maxEpochs && count > 1;) {
    count = Math.max(1, Math.floor(count / strategy.reduction));
    epochs = Math.min(strategy.maxEpochs, epochs * strategy.reduction);
    for (let i = 0; i < count; i++) remaining.push(meanMacs * epochs);
  }
  return sweepEta(measured, remaining, slots);
}

/**
 * The latest finished runs' wall seconds with their costs, from creation (a sweep creates a trial's run
 * as the trial starts, so worker start-up and features count) to the end. A run whose wall time is far
 * beyond its training time waited in a queue or was interrupted and resumed; its training time (plus
 * setup) stands in.
 */
async function recentRunCosts(db: ProjectDatabase): Promise<{ seconds: number; cost: number }[]> {
  const rows = db
    .prepare(
      `SELECT spec_json, created_at, finished_at, summary_json FROM runs
       WHERE status = 'done' AND deleted_at IS NULL AND finished_at IS NOT NULL AND summary_json IS NOT NULL
       ORDER BY finished_at DESC LIMIT ?`,
    )
    .all(RECENT_RUNS) as { spec_json: string; created_at: string; finished_at: string; summary_json: string }[];
  const runs = await Promise.all(
    rows.map(async (row) => {
      const spec = JSON.parse(row.spec_json) as TrainSpec;
      const summary = JSON.parse(row.summary_json) as RunSummary;
      const wall = (Date.parse(row.finished_at) - Date.parse(row.created_at)) / 1000;
      const seconds = wall > 2 * summary.trainSeconds + 60 ? summary.trainSeconds + 2 : wall;
      return { seconds, cost: (await macsOf(spec)) * summary.epochs };
    }),
  );
  return runs.filter((run) => run.cost > 0 && Number.isFinite(run.seconds) && run.seconds > 0);
}
