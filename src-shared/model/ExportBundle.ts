import type { FeatureSpec } from './FeatureSpec.ts';

/**
 * The formats a finished run can be exported to. Each is a bundle of files with a `manifest.json`
 * describing what a device needs to feed the model. TFLite (float, int8) and the TFLite Micro C array
 * join this list as their exporters land in `services/export`.
 */
export const exportFormats = ['tfjs'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** What a format is and produces, for a format picker and `kws-studio export --help`. */
export interface ExportFormatInfo {
  format: ExportFormat;
  name: string;
  /** Where the bundle runs and how it is loaded. */
  description: string;
  /** The files of a bundle, as names or patterns (`weights.bin`, `*.tflite`), manifest.json included. */
  files: string[];
}

export interface ExportedFile {
  /** Relative to the bundle's folder, with `/` separators. */
  path: string;
  bytes: number;
}

/** What `exportRun` wrote into the folder the user chose. */
export interface ExportResult {
  runId: string;
  format: ExportFormat;
  /** The bundle's folder, absolute. */
  directory: string;
  files: ExportedFile[];
  /** Sum of the files' sizes. */
  bytes: number;
  /** What the bundle cannot carry, said so a user can act on it (also in manifest.json). */
  warnings: string[];
}

/** The same bundle as one zip archive, for a browser's download. */
export interface ExportArchive {
  runId: string;
  format: ExportFormat;
  /** A name for the download, e.g. `run-20250101-120000-abc123-tfjs.zip`. */
  fileName: string;
  mimeType: 'application/zip';
  /** The zip file; its entries sit in one folder named like the archive. */
  data: Uint8Array;
  files: ExportedFile[];
  warnings: string[];
}

/** `manifest.json` of every bundle: what a device needs to compute the model's input and read its output. */
export interface ExportManifest {
  generator: string;
  format: ExportFormat;
  createdAt: string;
  run: { id: string; name: string; specHash: string; finishedAt: string | null; testAccuracy: number };
  /** The model's outputs, in order. */
  labels: string[];
  /** Batch, time frames, feature bins, channels; rows are time, row-major. */
  input: { shape: number[]; dtype: 'float32' };
  /** Batch, labels: scores before softmax (the highest is the answer; softmax gives probabilities). */
  output: { shape: number[]; values: 'logits' };
  /** The front end: how a clip becomes the input (normalization included, see `features.normalization`). */
  features: FeatureSpec;
  /** Every other file of the bundle. */
  files: ExportedFile[];
  warnings: string[];
}
