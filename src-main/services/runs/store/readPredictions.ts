import type { ClipPrediction } from '../../../../src-shared/model/ClipPrediction.ts';
import type { PredictionQuery } from '../../../../src-shared/contract/RunService.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** The run's per-clip answers, most confident first, with each clip's current label beside the one it trained with. */
export function readPredictions(
  db: ProjectDatabase,
  { runId, actual, predicted, split, limit }: PredictionQuery,
): ClipPrediction[] {
  return db
    .prepare(
      `SELECT p.clip_id AS clipId, c.original_name AS originalName, p.split, p.label, l.name AS currentLabel, p.predicted, p.confidence
       FROM predictions p JOIN clips c ON c.id = p.clip_id LEFT JOIN labels l ON l.id = c.label_id
       WHERE p.run_id = ? AND (? IS NULL OR p.label = ?) AND (? IS NULL OR p.predicted = ?) AND (? IS NULL OR p.split = ?)
       ORDER BY p.confidence DESC LIMIT ?`,
    )
    .all(
      runId,
      actual ?? null,
      actual ?? null,
      predicted ?? null,
      predicted ?? null,
      split ?? null,
      split ?? null,
      limit ?? 1000,
    ) as ClipPrediction[];
}
