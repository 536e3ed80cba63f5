import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { toSnapshotClip, type RawSnapshotClip, type SnapshotClip } from './snapshotClips.ts';

/**
 * The library's clips as a snapshot freezes them (trash excluded): what `createSnapshot` stores,
 * and what questions asked before a run starts (how many steps it will train) read without
 * writing a snapshot.
 */
export function libraryClips(db: ProjectDatabase): SnapshotClip[] {
  return (
    db
      .prepare(
        `SELECT c.id AS clipId, c.hash, c.ext, c.kind, l.name AS label, COALESCE(l.unknown, 0) AS unknown, c.speaker, c.split
         FROM clips c LEFT JOIN labels l ON l.id = c.label_id
         WHERE c.deleted_at IS NULL ORDER BY c.id`,
      )
      .all() as RawSnapshotClip[]
  ).map(toSnapshotClip);
}
