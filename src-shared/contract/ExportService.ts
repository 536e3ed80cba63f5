import type { Event } from './events.ts';
import type {
  ExportArchive,
  ExportFormat,
  ExportFormatInfo,
  ExportOptions,
  ExportResult,
} from '../model/ExportBundle.ts';

/** The run, the format and, for TFLite and TFLite Micro, quantization, I/O type and calibration size. */
export interface ExportChoice extends ExportOptions {
  runId: string;
  format: ExportFormat;
}

export interface ExportRunInput extends ExportChoice {
  /**
   * The bundle's folder, an absolute path: created when missing (its parent must exist), used when
   * empty. A folder holding files is refused unless `overwrite`, which replaces same-named files and
   * the files of an earlier export listed in its manifest.json, and leaves every other file alone.
   */
  directory: string;
  overwrite?: boolean | undefined;
}

export type ExportFilesInput = ExportChoice;

/** Where a running export is: its stage in words and the share done, 0..1. */
export interface ExportProgress {
  runId: string;
  format: ExportFormat;
  stage: string;
  fraction: number;
}

/**
 * Export of finished runs, from the artifacts their training recorded; a run's own files are only
 * read. Only a run that is done can be exported. A bundle is written to a temporary folder beside the
 * destination and moved into place when complete, so a failure leaves nothing half-written.
 */
export interface ExportService {
  /** Every format, with what its bundle holds. */
  formats(): Promise<ExportFormatInfo[]>;
  /** Writes the run's bundle into a folder on this machine (the CLI, Electron's save dialog). */
  exportRun(input: ExportRunInput): Promise<ExportResult>;
  /** The run's bundle as a zip archive in memory: a browser (serve mode) cannot write to a folder. */
  exportFiles(input: ExportFilesInput): Promise<ExportArchive>;
  /** Stages of a TFLite export (reading inputs, calibrating, measuring), for a progress bar. */
  onDidProgress: Event<ExportProgress>;
}
