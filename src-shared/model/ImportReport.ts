export interface RejectedFile {
  path: string;
  reason: string;
}

/** The per-file outcome of an import: nothing is silently dropped. */
export interface ImportReport {
  imported: number;
  duplicates: number;
  rejected: RejectedFile[];
  noise: number;
  /** The labels of the clips this import added. */
  labels: string[];
  seconds: number;
}
