import type { ClipKind, SplitName } from './Clip.ts';
import type { RejectedFile } from './ImportReport.ts';

/** How the labels of a source are found. */
export type ImportLayout =
  { kind: 'folders' } | { kind: 'pattern'; pattern: string } | { kind: 'manifest'; manifest: string };

/** One file the import would bring in, with what it would be labelled. */
export interface ImportCandidate {
  /** Absolute path of the original. */
  path: string;
  /** Path relative to the source, as the report shows it. */
  relative: string;
  kind: ClipKind;
  label?: string | undefined;
  speaker?: string | undefined;
  take?: string | undefined;
  split?: SplitName | undefined;
}

/** What an import would do, known before any audio is read: the live preview. */
export interface ImportPreview {
  root: string;
  candidates: number;
  noise: number;
  rejected: number;
  labels: { label: string; count: number }[];
  /** The first candidates, to check the pattern or manifest against real names. */
  sample: ImportCandidate[];
  /** The first rejected files with their reasons. */
  rejectedSample: RejectedFile[];
}
