import fs from 'node:fs';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { decodeAudio, type DecodedAudio } from '../audio/decodeAudio.ts';
import type { OpenProject } from './ProjectSession.ts';
import { audioPath } from './projectLayout.ts';

/** Where a clip's audio lives in the content-addressed store; not_found when there is no such clip. */
export function clipAudioRecord(project: OpenProject, clipId: number): { hash: string; file: string } {
  const record = project.db.prepare('SELECT hash, ext FROM clips WHERE id = ?').get(clipId) as
    { hash: string; ext: string } | undefined;
  if (!record) throw new StudioError('not_found', `Clip ${clipId} does not exist in this project.`);
  return { hash: record.hash, file: audioPath(project.layout, record.hash, record.ext) };
}

/** Reads and decodes a clip's stored audio, saying so plainly when the file has gone missing. */
export async function decodeClipAudio(clipId: number, file: string): Promise<DecodedAudio> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new StudioError('not_found', `The audio of clip ${clipId} is missing from the project store (${file}).`);
  }
  return decodeAudio(bytes, file);
}
