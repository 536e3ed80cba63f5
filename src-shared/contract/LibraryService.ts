import type { Event } from './events.ts';
import type { ClipAudio, ClipPage, LabelCount, SplitName } from '../model/Clip.ts';
import type { ClipFilter, ClipSort } from '../model/ClipQuery.ts';
import type {
  AssignSplitsResult,
  EditResult,
  HistorySummary,
  LabelStyle,
  SplitPercentages,
  SplitReport,
} from '../model/Curation.ts';
import type { FlagCount, LibraryStatistics } from '../model/LibraryStatistics.ts';

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

/** Clips an edit applies to: a selection can be the whole 100,000-clip library, so a typed array travels well. */
export type ClipIdList = readonly number[] | Int32Array;

export interface SetLabelInput {
  clipIds: ClipIdList;
  /** null makes the clips unlabeled. A new name creates the label. */
  label: string | null;
}

export interface SetSpeakerInput {
  clipIds: ClipIdList;
  /** null (or an empty name) clears the speaker, so the file name decides the split group again. */
  speaker: string | null;
}

export interface ClipIdsOnlyInput {
  clipIds: ClipIdList;
}

export interface LabelInput extends LabelStyle {
  name: string;
}

export interface RenameLabelInput {
  from: string;
  to: string;
}

export interface MergeLabelsInput {
  sources: string[];
  target: string;
}

export interface SplitOverrideInput {
  clipIds: ClipIdList;
  /** null returns the clips to their hashed split. */
  split: SplitName | null;
}

export interface LibraryChange {
  /** What changed, in words (the history's description). */
  description: string;
}

/** The open project's clips: browsing, labels with undoable history, splits, statistics. */
export interface LibraryService {
  /** One window of the filtered, sorted clip list, with the total for the scroll height. */
  listClips(input: ListClipsInput): Promise<ClipPage>;
  /** Every id of the filtered, sorted list in order: selection and bulk actions over all of it. */
  clipIds(input: ClipIdsInput): Promise<Int32Array>;
  /** Every label with its clip count, hotkey and colour. */
  labelCounts(): Promise<LabelCount[]>;
  /** How many clips in the library (not the trash) carry each quality flag: one cheap aggregate, for the filter chips. */
  flagCounts(): Promise<FlagCount[]>;
  clipAudio(input: ClipIdInput): Promise<ClipAudio>;
  statistics(): Promise<LibraryStatistics>;

  setLabel(input: SetLabelInput): Promise<EditResult>;
  /** Sets the speaker; a clip without a pinned split moves to its new speaker group's split. */
  setSpeaker(input: SetSpeakerInput): Promise<EditResult>;
  createLabel(input: LabelInput): Promise<EditResult>;
  renameLabel(input: RenameLabelInput): Promise<EditResult>;
  mergeLabels(input: MergeLabelsInput): Promise<EditResult>;
  deleteLabel(input: { name: string }): Promise<EditResult>;
  setLabelStyle(input: LabelInput): Promise<EditResult>;
  trashClips(input: ClipIdsOnlyInput): Promise<EditResult>;
  restoreClips(input: ClipIdsOnlyInput): Promise<EditResult>;
  /** Reverts the newest change; the description of what was undone, or null when there is nothing. */
  undo(): Promise<string | null>;
  redo(): Promise<string | null>;
  history(input: { limit?: number | undefined }): Promise<HistorySummary>;

  assignSplits(input: SplitPercentages): Promise<AssignSplitsResult>;
  setSplitOverride(input: SplitOverrideInput): Promise<EditResult>;
  splitReport(): Promise<SplitReport>;
  /** Flags every clip with a near-identical partner (by audio fingerprint) as `near_duplicate`. */
  flagNearDuplicates(): Promise<{ pairs: number; clips: number }>;

  /** Fires after every change to clips or labels, from any window or client. */
  onDidChangeLibrary: Event<LibraryChange>;
}
