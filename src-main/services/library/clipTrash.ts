import { EditBatch, plural, requireClips, validateActor, type EditResult, type ProjectDb } from './editHistory.ts';

/**
 * The trash is `clips.deleted_at`: trashed clips leave the library, splits and training sets but
 * keep their audio, labels and history, and each move in or out is an undoable batch.
 */
export function trashClips(project: ProjectDb, clipIds: readonly number[], actor = 'user'): EditResult {
  const { db } = project;
  const who = validateActor(actor);
  return db.transaction((): EditResult => {
    const clips = requireClips(db, clipIds).filter((clip) => clip.deleted_at === null);
    if (clips.length === 0)
      return { batchId: null, description: 'Nothing to change: the clips are already in the trash', changed: 0 };
    const batch = new EditBatch(db, 'trash', who);
    for (const clip of clips) batch.setClipField(clip.id, 'deleted_at', null, batch.at);
    return batch.finish(`Move ${plural(clips.length, 'clip')} to the trash`, clips.length);
  })();
}

export function restoreClips(project: ProjectDb, clipIds: readonly number[], actor = 'user'): EditResult {
  const { db } = project;
  const who = validateActor(actor);
  return db.transaction((): EditResult => {
    const clips = requireClips(db, clipIds).filter((clip) => clip.deleted_at !== null);
    if (clips.length === 0)
      return { batchId: null, description: 'Nothing to change: none of the clips is in the trash', changed: 0 };
    const batch = new EditBatch(db, 'restore', who);
    for (const clip of clips) batch.setClipField(clip.id, 'deleted_at', clip.deleted_at, null);
    return batch.finish(`Restore ${plural(clips.length, 'clip')} from the trash`, clips.length);
  })();
}
