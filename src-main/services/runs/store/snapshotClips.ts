import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** One clip as a snapshot froze it: what a run trains and evaluates on, whatever the library does later. */
export interface SnapshotClip {
  clipId: number;
  hash: string;
  ext: string;
  kind: 'sample' | 'noise';
  label: string | null;
  /** The label was marked an unknown (filler) word when the snapshot was taken. */
  unknown: boolean;
  speaker: string | null;
  split: 'train' | 'validation' | 'test' | null;
}

export function snapshotClips(db: ProjectDatabase, snapshotId: string): SnapshotClip[] {
  return (
    db
      .prepare(
        'SELECT clip_id AS clipId, hash, ext, kind, label, unknown, speaker, split FROM snapshot_clips WHERE snapshot_id = ? ORDER BY clip_id',
      )
      .all(snapshotId) as RawSnapshotClip[]
  ).map(toSnapshotClip);
}

/** A clip as SQLite returns it, with the unknown mark as 0 or 1. */
export type RawSnapshotClip = Omit<SnapshotClip, 'unknown'> & { unknown: number };
export const toSnapshotClip = (row: RawSnapshotClip): SnapshotClip => ({ ...row, unknown: row.unknown === 1 });
