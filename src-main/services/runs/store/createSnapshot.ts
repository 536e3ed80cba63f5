import { createHash } from 'node:crypto';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { libraryClips } from './libraryClips.ts';

/**
 * Freezes the library's current clips, labels and splits (trash excluded) as a snapshot, named by a
 * hash of its content so an unchanged library reuses the same snapshot.
 */
export function createSnapshot(db: ProjectDatabase): string {
  const clips = libraryClips(db);
  const digest = createHash('sha256');
  for (const clip of clips) {
    // The unknown mark is added only where set, so libraries without one keep their snapshot ids.
    digest.update(
      `${clip.clipId}\t${clip.hash}\t${clip.kind}\t${clip.label ?? ''}\t${clip.speaker ?? ''}\t${clip.split ?? ''}${clip.unknown ? '\tunknown' : ''}\n`,
    );
  }
  const id = `snap-${digest.digest('hex').slice(0, 16)}`;
  // IMMEDIATE, as it reads before it writes: training processes write the database every second.
  const store = db.transaction(() => {
    if (db.prepare('SELECT 1 FROM snapshots WHERE id = ?').get(id)) return;
    db.prepare('INSERT INTO snapshots (id, created_at, clip_count) VALUES (?, ?, ?)').run(
      id,
      new Date().toISOString(),
      clips.length,
    );
    const insert = db.prepare(
      'INSERT INTO snapshot_clips (snapshot_id, clip_id, hash, ext, kind, label, unknown, speaker, split) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const clip of clips)
      insert.run(
        id,
        clip.clipId,
        clip.hash,
        clip.ext,
        clip.kind,
        clip.label,
        Number(clip.unknown),
        clip.speaker,
        clip.split,
      );
  });
  store.immediate();
  return id;
}
