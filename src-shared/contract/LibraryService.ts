import type { ClipAudio, ClipPage, LabelCount } from '../model/Clip.ts';

export interface ListClipsInput {
  offset?: number | undefined;
  limit?: number | undefined;
  label?: string | undefined;
  /** Matches the original file name and the speaker. */
  search?: string | undefined;
  kind?: 'sample' | 'noise' | undefined;
}

export interface ClipIdInput {
  clipId: number;
}

/** The open project's clips. */
export interface LibraryService {
  listClips(input: ListClipsInput): Promise<ClipPage>;
  labelCounts(): Promise<LabelCount[]>;
  clipAudio(input: ClipIdInput): Promise<ClipAudio>;
}
