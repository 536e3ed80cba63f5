import type { RunTagCount } from '../../../../src-shared/model/RunTable.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** Every tag on a run outside the trash with how many runs carry it, most used first; spellings that differ in case count as one. */
export function readTagCounts(db: ProjectDatabase): RunTagCount[] {
  return db
    .prepare(
      `SELECT MIN(t.tag) AS tag, COUNT(*) AS count FROM run_tags t JOIN runs r ON r.id = t.run_id
       WHERE r.deleted_at IS NULL GROUP BY t.tag ORDER BY count DESC, tag COLLATE NOCASE`,
    )
    .all() as RunTagCount[];
}
