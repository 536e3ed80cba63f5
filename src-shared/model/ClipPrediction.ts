/** What a run answered for one clip. */
export interface ClipPrediction {
  clipId: number;
  originalName: string;
  split: string | null;
  /** The class the run trained it as (`_unknown_` for other words). */
  label: string;
  /** Its label in the library now (it may have been relabeled since the run). */
  currentLabel: string | null;
  predicted: string;
  confidence: number;
}
