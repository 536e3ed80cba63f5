/** What the Compare page shows, as its address records it: runs side by side (and their baseline), or one sweep. */
export type CompareLink =
  { view: 'runs'; runIds: string[]; baselineRunId: string | null } | { view: 'sweep'; sweepId: string };

/** The address parameters of a comparison: `runs=a,b,c` and `baseline=b` (when not the first), or `sweep=id`. */
export function compareLinkParams(link: CompareLink): Record<string, string> {
  if (link.view === 'sweep') return { sweep: link.sweepId };
  const [first] = link.runIds;
  const baseline = link.baselineRunId && link.baselineRunId !== first ? link.baselineRunId : '';
  return { runs: link.runIds.join(','), baseline };
}

/** The comparison an address asks for, at most `maxRuns` distinct runs; null when it asks for none. */
export function parseCompareLink(params: Record<string, string>, maxRuns: number): CompareLink | null {
  if (params.sweep) return { view: 'sweep', sweepId: params.sweep };
  const runIds = [
    ...new Set(
      (params.runs ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ].slice(0, maxRuns);
  if (runIds.length === 0) return null;
  const baseline = params.baseline && runIds.includes(params.baseline) ? params.baseline : runIds[0]!;
  return { view: 'runs', runIds, baselineRunId: baseline };
}
