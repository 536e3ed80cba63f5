import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ClipDifferencesInput } from '../../../src-shared/contract/RunService.ts';
import type { ClipDifference, ClipDifferences } from '../../../src-shared/model/RunComparison.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { requireRuns } from './store/requireRuns.ts';

/** Throws when a run has no predictions, which only a finished run records. */
export function requirePredictions(db: ProjectDatabase, runId: string): void {
  if (!db.prepare('SELECT 1 FROM predictions WHERE run_id = ? LIMIT 1').get(runId)) {
    const status = db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(runId) as string;
    throw new StudioError(
      'invalid_input',
      `Run ${runId} has no clip predictions (it is ${status}); predictions are recorded when a run finishes.`,
    );
  }
}

/**
 * Clips two runs answer differently, among the clips both predicted (in the split, when given, in
 * both runs). Each run is judged by the label it trained with, so a clip relabeled between the
 * runs counts as right in each by its own label.
 */
export function clipDifferences(
  db: ProjectDatabase,
  { baseRunId, otherRunId, split, limit = 1000 }: ClipDifferencesInput,
): ClipDifferences {
  if (baseRunId === otherRunId)
    throw new StudioError('invalid_input', 'Pick two different runs to compare clip by clip.');
  requireRuns(db, [baseRunId, otherRunId]);
  requirePredictions(db, baseRunId);
  requirePredictions(db, otherRunId);
  const splitFilter = split ?? null;
  const totals = db
    .prepare(
      `SELECT COUNT(*) AS compared, COALESCE(SUM(a.predicted = a.label), 0) AS baseCorrect, COALESCE(SUM(b.predicted = b.label), 0) AS otherCorrect
       FROM predictions a JOIN predictions b ON b.run_id = ? AND b.clip_id = a.clip_id
       WHERE a.run_id = ? AND (? IS NULL OR (a.split = ? AND b.split = ?))`,
    )
    .get(otherRunId, baseRunId, splitFilter, splitFilter, splitFilter) as {
    compared: number;
    baseCorrect: number;
    otherCorrect: number;
  };
  const rows = db
    .prepare(
      `SELECT a.clip_id AS clipId, c.original_name AS originalName, a.split, a.label, b.label AS otherLabel, l.name AS currentLabel,
              c.deleted_at IS NOT NULL AS trashed, a.predicted AS basePredicted, a.confidence AS baseConfidence,
              b.predicted AS otherPredicted, b.confidence AS otherConfidence,
              CASE WHEN a.predicted != a.label AND b.predicted = b.label THEN 'fixed'
                   WHEN a.predicted = a.label AND b.predicted != b.label THEN 'broken'
                   ELSE 'both_wrong' END AS kind
       FROM predictions a JOIN predictions b ON b.run_id = ? AND b.clip_id = a.clip_id
       JOIN clips c ON c.id = a.clip_id LEFT JOIN labels l ON l.id = c.label_id
       WHERE a.run_id = ? AND (? IS NULL OR (a.split = ? AND b.split = ?))
         AND ((a.predicted = a.label) != (b.predicted = b.label) OR (a.predicted != a.label AND b.predicted != b.label AND a.predicted != b.predicted))
       ORDER BY b.confidence DESC, a.clip_id`,
    )
    .all(otherRunId, baseRunId, splitFilter, splitFilter, splitFilter) as (Omit<ClipDifference, 'trashed'> & {
    trashed: number;
  })[];
  const byKind = { fixed: [] as ClipDifference[], broken: [] as ClipDifference[], both_wrong: [] as ClipDifference[] };
  for (const row of rows) byKind[row.kind].push({ ...row, trashed: row.trashed === 1 });
  return {
    baseRunId,
    otherRunId,
    split: splitFilter,
    ...totals,
    counts: { fixed: byKind.fixed.length, broken: byKind.broken.length, both_wrong: byKind.both_wrong.length },
    fixed: byKind.fixed.slice(0, limit),
    broken: byKind.broken.slice(0, limit),
    bothWrong: byKind.both_wrong.slice(0, limit),
  };
}
