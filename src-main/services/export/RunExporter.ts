import type {
  ExportedFile,
  ExportManifest,
  ExportFormatInfo,
  ExportIoType,
  ExportQuantization,
  ShipReport,
} from '../../../src-shared/model/ExportBundle.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import type { ExportableRun } from './ExportableRun.ts';
import type { ReadModelInputs } from './ModelInputs.ts';

/** Export options with every default filled in. */
export interface ResolvedExportOptions {
  quantize: ExportQuantization;
  io: ExportIoType;
  calibration: number;
}

/** What an exporter may use besides the run: the options, the open project (for the run's inputs), progress. */
export interface ExportContext {
  options: ResolvedExportOptions;
  project: OpenProject;
  /** The run's model inputs of a split, as its training made them. */
  modelInputs: ReadModelInputs;
  /** A stage in words and the share of the export done, 0..1. */
  progress(stage: string, fraction: number): void;
}

export interface WrittenBundle {
  files: ExportedFile[];
  warnings: string[];
  /** What was measured of a TFLite model; null for formats that write none. */
  report: ShipReport | null;
  /** The normalization the model was measured with, when the exporter computed the run's inputs. */
  normalization?: ExportManifest['normalization'];
}

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
  write(run: ExportableRun, directory: string, context: ExportContext): Promise<WrittenBundle>;
}
