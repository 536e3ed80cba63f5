import type { SplitName } from './Clip.ts';

/** Types of the curation services (labels, history, splits) shared by the contract and the services. */

export interface SplitPercentages {
  validationPercent: number;
  testPercent: number;
}

export type EditKind =
  | 'relabel'
  | 'create_label'
  | 'rename_label'
  | 'merge_labels'
  | 'delete_label'
  | 'restyle_label'
  | 'trash'
  | 'restore'
  | 'split_override'
  | 'speaker';

export interface EditResult {
  /** The history batch the edit was recorded as; null when nothing needed to change. */
  batchId: string | null;
  /** What happened, in the words undo and the history list use. */
  description: string;
  /** How many clips (or, for label-only edits, labels) changed. */
  changed: number;
}

export interface SplitTotals {
  train: number;
  validation: number;
  test: number;
  /** Clips with no split yet (added since splits were assigned, or never assigned). */
  unassigned: number;
}

export interface AssignSplitsResult extends SplitTotals {
  /** Clips whose split changed. */
  changed: number;
}

export interface LabelSplitCounts extends SplitTotals {
  /** null for unlabeled clips. */
  label: string | null;
}

export interface LeakingGroup {
  /** The speaker, or the file name with everything from `_nohash_` removed. */
  group: string;
  source: 'speaker' | 'file name';
  counts: Record<SplitName, number>;
  clipIds: number[];
}

export interface SplitReportClip {
  clipId: number;
  split: SplitName;
  label: string | null;
}

export interface CrossSplitDuplicate {
  a: SplitReportClip;
  b: SplitReportClip;
  distance: number;
}

export interface SplitReport {
  percentages: SplitPercentages | null;
  totals: SplitTotals;
  byLabel: LabelSplitCounts[];
  overrides: number;
  leakage: {
    /** Groups in more than one split: only overrides (or edits outside the studio) can cause these. */
    groups: LeakingGroup[];
    /**
     * Near-identical audio in different splits. Exact duplicates cannot occur: clips are
     * content-addressed, so identical bytes are one clip.
     */
    nearDuplicates: CrossSplitDuplicate[];
    /** How many clips have a fingerprint; clips without one are not checked for near-duplicates. */
    fingerprinted: number;
  };
}

export interface HistoryEntry {
  batchId: string;
  kind: EditKind | 'import';
  description: string;
  actor: string;
  at: string;
  undoable: boolean;
  /** done: in effect; undone: on the redo stack; abandoned: undone, then a new action replaced it. */
  state: 'done' | 'undone' | 'abandoned';
  undoneAt: string | null;
}

export interface HistorySummary {
  entries: HistoryEntry[];
  /** What undo would revert now, or null. */
  nextUndo: string | null;
  /** What redo would re-apply now, or null. */
  nextRedo: string | null;
}

export interface LabelStyle {
  /** A single key; null clears it, absent keeps it. */
  hotkey?: string | null | undefined;
  /** #rrggbb; null clears it, absent keeps it. */
  color?: string | null | undefined;
  /** A filler word: trained as `_unknown_` unless a run names it as a wanted word; absent keeps it. */
  unknown?: boolean | undefined;
}
