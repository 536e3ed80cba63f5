import type { LikelyMislabeledInput } from '../../../src-shared/contract/RunService.ts';
import type { LikelyMislabeled, MislabeledCandidate } from '../../../src-shared/model/RunComparison.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { requirePredictions } from './clipDifferences.ts';
import { requireRuns } from './store/requireRuns.ts';

/**
 * Clips a run confidently calls something other than their label — the confident-learning idea in
 * its simplest form: where a well-trained model disagrees with high confidence, the label is the
 * likelier mistake. Most confident first; a clip already relabeled to the model's answer is marked.
 */
export function likelyMislabeled(
  db: ProjectDatabase,
  { runId, minConfidence = 0.9, split, limit = 200 }: LikelyMislabeledInput,
): LikelyMislabeled {
  requireRuns(db, [runId]);
  requirePredictions(db, runId);
  const where = `p.run_id = ? AND p.predicted != p.label AND p.confidence >= ? AND (? IS NULL OR p.split = ?)`;
  const args = [runId, minConfidence, split ?? null, split ?? null];
  const total = db
    .prepare(`SELECT COUNT(*) FROM predictions p WHERE ${where}`)
    .pluck()
    .get(...args) as number;
  const rows = db
    .prepare(
      `SELECT p.clip_id AS clipId, c.original_name AS originalName, p.split, p.label, l.name AS currentLabel, p.predicted, p.confidence,
              c.deleted_at IS NOT NULL AS trashed, (SELECT name FROM labels WHERE name = p.predicted) AS suggestedLabel,
              COALESCE(s.label, '') != COALESCE(l.name, '') COLLATE NOCASE AS relabeled
       FROM predictions p JOIN runs r ON r.id = p.run_id JOIN clips c ON c.id = p.clip_id LEFT JOIN labels l ON l.id = c.label_id
       LEFT JOIN snapshot_clips s ON s.snapshot_id = r.snapshot_id AND s.clip_id = p.clip_id
       WHERE ${where} ORDER BY p.confidence DESC, p.clip_id LIMIT ?`,
    )
    .all(...args, limit) as (Omit<MislabeledCandidate, 'trashed' | 'relabeled' | 'relabeledToPrediction'> & {
    trashed: number;
    relabeled: number;
  })[];
  return {
    runId,
    minConfidence,
    total,
    rows: rows.map((row) => ({
      ...row,
      trashed: row.trashed === 1,
      // Against the library label the run's snapshot froze: `label` may be `_unknown_` for any other word.
      relabeled: row.relabeled === 1,
      relabeledToPrediction:
        row.currentLabel !== null && row.currentLabel.toLowerCase() === row.predicted.toLowerCase(),
    })),
  };
}
