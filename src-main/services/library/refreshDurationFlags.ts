import type Database from 'better-sqlite3';
import { durationLimits } from './qualityFlags.ts';

/**
 * Brings the `too_short` / `too_long` flags of the library's samples in line with today's bounds
 * (`durationLimits`), so a project flagged by an older studio needs no re-analysis: both depend
 * only on the stored duration. It reads first, along the duration index, and writes only what
 * differs, so an up-to-date project is never locked for writing when it opens. Clips in the trash
 * are left as they are until they come back. Returns how many flags it added or removed.
 */
export function refreshDurationFlags(db: Database.Database, clipDurationMs: number): number {
  const { tooShortBelowMs, tooLongAboveMs } = durationLimits(clipDurationMs);
  const bounds = { short: tooShortBelowMs, long: tooLongAboveMs };
  const inLibrary = "c.kind = 'sample' AND c.deleted_at IS NULL";
  // CROSS JOIN keeps SQLite walking the few flags first, not every clip of normal length.
  const undeserved = `SELECT f.flag, f.clip_id FROM clip_flags f CROSS JOIN clips c ON c.id = f.clip_id
      WHERE f.flag = 'too_short' AND ${inLibrary} AND c.duration_ms >= @short
    UNION ALL SELECT f.flag, f.clip_id FROM clip_flags f CROSS JOIN clips c ON c.id = f.clip_id
      WHERE f.flag = 'too_long' AND ${inLibrary} AND c.duration_ms <= @long`;
  const unflagged = (flag: string) =>
    `NOT EXISTS (SELECT 1 FROM clip_flags g WHERE g.flag = '${flag}' AND g.clip_id = c.id)`;
  const missing = `SELECT 'too_short' AS flag, c.id AS clip_id, c.duration_ms AS value FROM clips c
      WHERE ${inLibrary} AND c.duration_ms < @short AND ${unflagged('too_short')}
    UNION ALL SELECT 'too_long', c.id, c.duration_ms FROM clips c
      WHERE ${inLibrary} AND c.duration_ms > @long AND ${unflagged('too_long')}`;
  const stale = db.prepare(`SELECT EXISTS (${undeserved}) OR EXISTS (${missing})`).pluck().get(bounds) === 1;
  if (!stale) return 0;
  return db.transaction(() => {
    const removed = db.prepare(`DELETE FROM clip_flags WHERE (flag, clip_id) IN (${undeserved})`).run(bounds).changes;
    const added = db.prepare(`INSERT INTO clip_flags (flag, clip_id, value) ${missing}`).run(bounds).changes;
    return removed + added;
  })();
}
