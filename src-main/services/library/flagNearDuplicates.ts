import type { ProjectDb } from './editHistory.ts';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD, findNearDuplicates } from './findNearDuplicates.ts';

export const NEAR_DUPLICATE_FLAG = 'near_duplicate';

/**
 * Marks every clip that has a near-identical partner with the `near_duplicate` flag (value: the
 * closest distance), replacing earlier marks, so the library can filter and act on them like any
 * quality flag. Returns the pairs found.
 */
export function flagNearDuplicates(
  project: ProjectDb,
  threshold = DEFAULT_NEAR_DUPLICATE_THRESHOLD,
): { pairs: number; clips: number } {
  const pairs = findNearDuplicates(project, threshold);
  const closest = new Map<number, number>();
  for (const { a, b, distance } of pairs) {
    for (const id of [a, b]) closest.set(id, Math.min(distance, closest.get(id) ?? 1));
  }
  const { db } = project;
  db.transaction(() => {
    db.prepare('DELETE FROM clip_flags WHERE flag = ?').run(NEAR_DUPLICATE_FLAG);
    const insert = db.prepare('INSERT INTO clip_flags (flag, clip_id, value) VALUES (?, ?, ?)');
    for (const [id, distance] of closest) insert.run(NEAR_DUPLICATE_FLAG, id, distance);
  })();
  return { pairs: pairs.length, clips: closest.size };
}
