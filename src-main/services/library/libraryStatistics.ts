import type { FlagCount, LibraryStatistics } from '../../../src-shared/model/LibraryStatistics.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';

const BIN_MS = 100;
const BINS = 20;

/** Class balance per split, speakers per class, the duration histogram and flag counts, in a few grouped queries. */
export function libraryStatistics(db: ProjectDatabase): LibraryStatistics {
  const live = "c.deleted_at IS NULL AND c.kind = 'sample'";
  const byLabel = db
    .prepare(
      `SELECT l.name AS label,
         SUM(c.split = 'train') AS train, SUM(c.split = 'validation') AS validation, SUM(c.split = 'test') AS test,
         SUM(c.split IS NULL) AS unassigned, COUNT(DISTINCT c.speaker) AS speakers
       FROM clips c LEFT JOIN labels l ON l.id = c.label_id WHERE ${live}
       GROUP BY c.label_id ORDER BY l.name IS NULL, l.name COLLATE NOCASE`,
    )
    .all() as LibraryStatistics['byLabel'];
  const totals = db
    .prepare(
      `SELECT SUM(kind = 'sample') AS clips, SUM(kind = 'noise') AS noise, COUNT(DISTINCT CASE WHEN kind = 'sample' THEN speaker END) AS speakers,
         COALESCE(SUM(CASE WHEN kind = 'sample' THEN duration_ms END), 0) AS totalDurationMs
       FROM clips c WHERE c.deleted_at IS NULL`,
    )
    .get() as { clips: number | null; noise: number | null; speakers: number; totalDurationMs: number };
  const counts = new Array<number>(BINS).fill(0);
  for (const row of db
    .prepare(
      `SELECT MIN(CAST(duration_ms / ${BIN_MS} AS INTEGER), ${BINS - 1}) AS bin, COUNT(*) AS n FROM clips c WHERE ${live} GROUP BY bin`,
    )
    .all() as { bin: number; n: number }[]) {
    counts[row.bin] = row.n;
  }
  const flags = flagCounts(db);
  return {
    clips: totals.clips ?? 0,
    noise: totals.noise ?? 0,
    labels: byLabel.filter((row) => row.label !== null).length,
    speakers: totals.speakers,
    totalDurationMs: totals.totalDurationMs,
    byLabel: byLabel.map((row) => ({
      ...row,
      train: row.train ?? 0,
      validation: row.validation ?? 0,
      test: row.test ?? 0,
      unassigned: row.unassigned ?? 0,
    })),
    durations: { binStartsMs: counts.map((_, index) => index * BIN_MS), counts },
    flags,
  };
}

/**
 * Clips per quality flag, for the library's filter chips after every edit: one aggregate over the
 * flag table (which holds only flagged clips), without the rest of the statistics.
 */
export function flagCounts(db: ProjectDatabase): FlagCount[] {
  return db
    .prepare(
      `SELECT f.flag, COUNT(*) AS count FROM clip_flags f JOIN clips c ON c.id = f.clip_id
       WHERE c.deleted_at IS NULL AND c.kind = 'sample' GROUP BY f.flag ORDER BY count DESC, f.flag`,
    )
    .all() as FlagCount[];
}
