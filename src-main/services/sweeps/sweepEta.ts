/**
 * Seconds until the trials left are done, from the finished ones' measured seconds per unit of cost
 * (see trialCost): the work left spread over the slots, but never less than the longest trial left.
 * Without costs (none measured yet, or none known), the mean finished trial's time stands in for
 * each trial left. Null until a trial has finished.
 */
export function sweepEta(
  finished: readonly { seconds: number; cost: number | undefined }[],
  remaining: readonly (number | undefined)[],
  slots: number,
): number | null {
  if (!finished.length) return null;
  if (!remaining.length) return 0;
  const measured = finished.filter((trial) => trial.cost !== undefined && trial.cost > 0);
  const measuredCost = measured.reduce((sum, trial) => sum + trial.cost!, 0);
  const known = remaining.every((cost) => cost !== undefined && cost > 0);
  if (measuredCost > 0 && known) {
    const secondsPerCost = measured.reduce((sum, trial) => sum + trial.seconds, 0) / measuredCost;
    const costs = remaining as number[];
    const total = costs.reduce((sum, cost) => sum + cost, 0);
    return Math.max(total / slots, Math.max(...costs)) * secondsPerCost;
  }
  const mean = finished.reduce((sum, trial) => sum + trial.seconds, 0) / finished.length;
  return (remaining.length * mean) / Math.min(slots, remaining.length);
}
