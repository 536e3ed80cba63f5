import type { ClipKind, SplitName } from './Clip.ts';

export const clipSortKeys = ['name', 'label', 'speaker', 'split', 'duration', 'sampleRate', 'added'] as const;
export type ClipSortKey = (typeof clipSortKeys)[number];

export interface ClipSort {
  key: ClipSortKey;
  direction: 'asc' | 'desc';
}

/** Which clips the library shows; every field narrows the set, absent fields do not. */
export interface ClipFilter {
  kind?: ClipKind | undefined;
  /** Label names; '' stands for unlabeled clips. */
  labels?: string[] | undefined;
  /** 'none' stands for clips with no split yet. */
  splits?: (SplitName | 'none')[] | undefined;
  speakers?: string[] | undefined;
  minDurationMs?: number | undefined;
  maxDurationMs?: number | undefined;
  /** Clips carrying any of these quality flags. */
  flags?: string[] | undefined;
  /** Matches the original file name and the speaker. */
  search?: string | undefined;
  /** The trash instead of the library. */
  trashed?: boolean | undefined;
}

export const defaultClipSort: ClipSort = { key: 'label', direction: 'asc' };
