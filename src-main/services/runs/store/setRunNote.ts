import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { updateEachRun } from './updateEachRun.ts';

const maxNoteLength = 20_000;

export function setRunNote(db: ProjectDatabase, runIds: readonly string[], note: string): number {
  if (note.length > maxNoteLength)
    throw new StudioError('invalid_input', `A note holds at most ${maxNoteLength.toLocaleString('en-US')} characters.`);
  return updateEachRun(db, runIds, 'UPDATE runs SET note = ? WHERE id = ? AND note != ?', (id) => [note, id, note]);
}
