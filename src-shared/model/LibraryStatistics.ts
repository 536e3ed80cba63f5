/** Clips per label and split: class balance at a glance. */
export interface LabelSplitRow {
  /** null for unlabeled clips. */
  label: string | null;
  train: number;
  validation: number;
  test: number;
  unassigned: number;
  speakers: number;
}

export interface DurationHistogram {
  /** Lower edge of each bin, in ms; the last bin also holds everything longer. */
  binStartsMs: number[];
  counts: number[];
}

export interface FlagCount {
  flag: string;
  count: number;
}

export interface LibraryStatistics {
  clips: number;
  noise: number;
  labels: number;
  speakers: number;
  totalDurationMs: number;
  byLabel: LabelSplitRow[];
  durations: DurationHistogram;
  /** How many clips carry each quality flag. */
  flags: FlagCount[];
}
