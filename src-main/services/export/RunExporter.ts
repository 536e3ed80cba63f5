import type { ExportedFile, ExportFormatInfo } from '../../../src-shared/model/ExportBundle.ts';
import type { ExportableRun } from './ExportableRun.ts';

/**
 * One export format. Each format is one exporter in this folder, listed in `runExporters`; the
 * service around it handles checking the run, the destination, the manifest and atomic placement.
 */
export interface RunExporter {
  readonly info: ExportFormatInfo;
  /**
   * Writes the bundle's files (all but manifest.json) into `directory`, a new empty folder that is the
   * exporter's alone, and lists them. May warn about what the bundle cannot carry.
   */
  write(run: ExportableRun, directory: string): Promise<{ files: ExportedFile[]; warnings: string[] }>;
}
