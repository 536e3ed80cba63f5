import type { ClipAudio, ClipPage, LabelCount } from '../model/Clip.ts';
import type { ClipFilter, ClipSort } from '../model/ClipQuery.ts';

export interface ListClipsInput {
  filter?: ClipFilter | undefined;
  sort?: ClipSort | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

export interface ClipIdsInput {
  filter?: ClipFilter | undefined;
  sort?: ClipSort | undefined;
}

export interface ClipIdInput {
  clipId: number;
}

/** The open project's clips. */
export interface LibraryService {
  /** One window of the filtered, sorted clip list, with the total for the scroll height. */
  listClips(input: ListClipsInput): Promise<ClipPage>;
  /** Every id of the filtered, sorted list in order: selection and bulk actions over all of it. */
  clipIds(input: ClipIdsInput): Promise<Int32Array>;
  labelCounts(): Promise<LabelCount[]>;
  clipAudio(input: ClipIdInput): Promise<ClipAudio>;
}
