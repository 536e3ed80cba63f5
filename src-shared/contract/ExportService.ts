import type { ExportArchive, ExportFormat, ExportFormatInfo, ExportResult } from '../model/ExportBundle.ts';

export interface ExportRunInput {
  runId: string;
  format: ExportFormat;
  /**
   * The bundle's folder, an absolute path: created when missing (its parent must exist), used when
   * empty. A folder holding files is refused unless `overwrite`, which replaces same-named files and
   * the files of an earlier export listed in its manifest.json, and leaves every other file alone.
   */
  directory: string;
  overwrite?: boolean | undefined;
}

export interface ExportFilesInput {
  runId: string;
  format: ExportFormat;
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
}
