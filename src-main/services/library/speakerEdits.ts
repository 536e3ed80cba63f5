import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import {
  EditBatch,
  listOf,
  plural,
  requireClips,
  validateActor,
  type EditResult,
  type ProjectDb,
} from './editHistory.ts';

export const MAX_SPEAKER_LENGTH = 200;

/** Trims and checks a speaker name; an empty one means "no speaker". */
export function validateSpeaker(raw: unknown): string | null {
  if (raw === null) return null;
  if (typeof raw !== 'string') throw new StudioError('invalid_input', 'The speaker must be text (or empty for none).');
  const name = raw.trim();
  if (name.length === 0) return null;
  if ([...name].length > MAX_SPEAKER_LENGTH) {
    throw new StudioError(
      'invalid_input',
      `Speaker "${name.slice(0, 20)}…" is longer than ${MAX_SPEAKER_LENGTH} characters; shorten it.`,
    );
  }
  if (/\p{Cc}/u.test(name)) {
    throw new StudioError(
      'invalid_input',
      `Speaker ${JSON.stringify(name)} contains a control character (tab, line break…); remove it.`,
    );
  }
  return name;
}

/**
 * Sets the speaker of clips as one undoable batch. The speaker is the split group, so a clip that
 * is not pinned to a split moves to its new group's split (see applyClipField), and undo moves it back.
 */
export function setSpeaker(
  project: ProjectDb,
  clipIds: readonly number[],
  speakerName: string | null,
  actor = 'user',
): EditResult {
  const { db } = project;
  const who = validateActor(actor);
  const speaker = validateSpeaker(speakerName);
  return db.transaction((): EditResult => {
    const clips = requireClips(db, clipIds);
    const noise = clips.filter((clip) => clip.kind === 'noise').map((clip) => String(clip.id));
    if (noise.length > 0) {
      throw new StudioError(
        'invalid_input',
        `${listOf(noise, 'Clip', 'Clips')} ${noise.length === 1 ? 'is a background-noise recording' : 'are background-noise recordings'}; speakers apply to samples only. Deselect ${noise.length === 1 ? 'it' : 'them'}.`,
      );
    }
    const toChange = clips.filter((clip) => clip.speaker !== speaker);
    if (toChange.length === 0) {
      const already = speaker === null ? 'has no speaker' : `is spoken by '${speaker}'`;
      return {
        batchId: null,
        description: `Nothing to change: ${clips.length === 1 ? 'the clip' : `each of the ${clips.length} clips`} already ${already}`,
        changed: 0,
      };
    }
    const batch = new EditBatch(db, 'speaker', who);
    for (const clip of toChange) batch.setClipField(clip.id, 'speaker', clip.speaker, speaker);
    const description =
      speaker === null
        ? `Clear the speaker of ${plural(toChange.length, 'clip')}`
        : `Set the speaker of ${plural(toChange.length, 'clip')} to '${speaker}'`;
    return batch.finish(description, toChange.length);
  })();
}
