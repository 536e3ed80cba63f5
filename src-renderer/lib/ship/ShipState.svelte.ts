import type { ExportChoice, ExportProgress } from '../../../src-shared/contract/ExportService.ts';
import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import {
  DEFAULT_CALIBRATION_INPUTS,
  exportFormats,
  type ExportedFile,
  type ExportFormat,
  type ExportFormatInfo,
  type ExportIoType,
  type ExportQuantization,
  type ShipReport,
} from '../../../src-shared/model/ExportBundle.ts';
import { LatestRequest } from '../state/LatestRequest.ts';
import type { ToastState } from '../state/ToastState.svelte.ts';
import { bundleSuffix, childFolder, defaultIo, type ShipChoice } from './shipFormat.ts';

export const MIN_CALIBRATION_INPUTS = 1;
export const MAX_CALIBRATION_INPUTS = 10_000;

/**
 * Where a bundle goes. A browser (serve mode) cannot write into a folder: the service zips the
 * bundle and the page downloads it. Electron asks for a folder and the service writes into it.
 */
export type ShipDestination =
  | { kind: 'download'; save: (fileName: string, mimeType: string, data: Uint8Array<ArrayBuffer>) => void }
  | {
      kind: 'folder';
      /** The system's folder dialog; null when cancelled. */
      choose: () => Promise<string | null>;
      /** Asked when the bundle's folder holds files already (an earlier export); true replaces them. */
      confirmOverwrite: (message: string) => boolean;
    };

/** A finished export: what was made, what was measured of it, and where it went. */
export interface ShipOutcome {
  runId: string;
  choice: ShipChoice;
  report: ShipReport | null;
  warnings: string[];
  files: ExportedFile[];
  bytes: number;
  saved: { kind: 'download'; fileName: string } | { kind: 'folder'; directory: string };
}

/**
 * One Ship panel's state: the export form of one finished run (format, quantization, I/O type,
 * calibration size), the export's progress from the service's events, and the outcome with its
 * report. `open(runId)` moves the panel to another run; an export still running for the run before
 * is dropped when it answers, so its report never shows under the wrong run.
 */
export class ShipState {
  runId = $state<string | null>(null);
  /** What the service can export; until it answers, every format of the contract. */
  formats = $state<ExportFormatInfo[]>([]);
  format = $state<ExportFormat>('tflite');
  quantize = $state<ExportQuantization>('int8');
  io = $state<ExportIoType>(defaultIo('tflite'));
  /** NaN while the field holds no number: the form says so. */
  calibration = $state(DEFAULT_CALIBRATION_INPUTS);

  exporting = $state(false);
  /** The running export's stage and share done; null before its first event. */
  progress = $state<ExportProgress | null>(null);
  outcome = $state<ShipOutcome | null>(null);
  /** The last export's failure, in words; the form keeps what was chosen. */
  error = $state<string | null>(null);
  /** The downloaded zip, kept to save it again without exporting again. */
  private archive = $state.raw<{ fileName: string; mimeType: string; data: Uint8Array<ArrayBuffer> } | null>(null);

  /** The formats to offer, in the contract's order. */
  offered = $derived<ExportFormat[]>(
    this.formats.length > 0
      ? exportFormats.filter((f) => this.formats.some((info) => info.format === f))
      : [...exportFormats],
  );
  info = $derived(this.formats.find((info) => info.format === this.format) ?? null);
  /** TF.js is float32 only: it has no quantization, I/O type or calibration to choose. */
  quantizable = $derived(this.format !== 'tfjs');
  int8 = $derived(this.quantizable && this.quantize === 'int8');
  calibrationError = $derived(
    this.int8 &&
      !(
        Number.isInteger(this.calibration) &&
        this.calibration >= MIN_CALIBRATION_INPUTS &&
        this.calibration <= MAX_CALIBRATION_INPUTS
      )
      ? `A whole number of training inputs from ${MIN_CALIBRATION_INPUTS} to ${MAX_CALIBRATION_INPUTS.toLocaleString('en-US')}.`
      : null,
  );
  canExport = $derived(this.runId !== null && !this.exporting && this.calibrationError === null);
  /** The form as a complete choice, defaults filled in. */
  choice = $derived<ShipChoice>({
    format: this.format,
    quantize: this.quantizable ? this.quantize : 'float32',
    io: this.int8 ? this.io : 'float32',
    calibration: this.int8 ? this.calibration : 0,
  });
  /** The zip of the outcome shown is at hand (browser only). */
  canDownloadAgain = $derived(this.archive !== null);

  /** Told of each export that finished for the run shown (a page whose figures it changed reloads them). */
  onExported: ((outcome: ShipOutcome) => void) | null = null;

  private readonly request = new LatestRequest();
  private formatsLoaded = false;
  /** The export whose progress events count: its run and format. */
  private running: { runId: string; format: ExportFormat } | null = null;

  constructor(
    private readonly services: ServiceTable,
    private readonly toasts: ToastState,
    readonly destination: ShipDestination,
  ) {}

  /** Follows the export service's progress and loads the formats; returns what stops following. */
  start(): () => void {
    void this.loadFormats();
    return this.services.export.onDidProgress((event) => this.onProgress(event));
  }

  /** Shows the panel for another run: the form stays, the outcome and any export in flight are dropped. */
  open(runId: string): void {
    if (runId === this.runId) return;
    this.request.cancel();
    this.runId = runId;
    this.reset();
  }

  /** The panel is gone: a reply still on its way is dropped. */
  close(): void {
    this.request.cancel();
    this.reset();
  }

  async loadFormats(): Promise<void> {
    if (this.formatsLoaded) return;
    this.formatsLoaded = true;
    try {
      this.formats = await this.services.export.formats();
      if (!this.offered.includes(this.format)) this.setFormat(this.offered[0] ?? 'tfjs');
    } catch (error) {
      this.formatsLoaded = false;
      this.toasts.error(error);
    }
  }

  /** A format starts with its own I/O type (int8 for TFLite Micro, float32 for TFLite). */
  setFormat(format: ExportFormat): void {
    this.format = format;
    this.io = defaultIo(format);
    this.error = null;
  }

  setQuantize(quantize: ExportQuantization): void {
    this.quantize = quantize;
    this.error = null;
  }

  setIo(io: ExportIoType): void {
    this.io = io;
    this.error = null;
  }

  setCalibration(inputs: number): void {
    this.calibration = inputs;
    this.error = null;
  }

  /**
   * Exports the run as chosen: a zip downloaded in the browser, a folder in Electron
   * (`<chosen>/<runId>-<suffix>`, asking before replacing an earlier export there).
   */
  async exportBundle(): Promise<void> {
    const runId = this.runId;
    if (runId === null || !this.canExport) return;
    const choice = this.choice;
    const input = this.exportInput(runId, choice);
    const ticket = this.request.next();
    this.exporting = true;
    this.error = null;
    this.progress = null;
    this.running = { runId, format: choice.format };
    try {
      let outcome: ShipOutcome;
      if (this.destination.kind === 'download') {
        const archive = await this.services.export.exportFiles(input);
        if (ticket.stale) return;
        // The wire gives a Uint8Array over a buffer of its own; a Blob wants it typed so.
        const data = archive.data as Uint8Array<ArrayBuffer>;
        this.archive = { fileName: archive.fileName, mimeType: archive.mimeType, data };
        this.destination.save(archive.fileName, archive.mimeType, data);
        outcome = {
          runId,
          choice,
          report: archive.report,
          warnings: archive.warnings,
          files: archive.files,
          bytes: archive.files.reduce((sum, file) => sum + file.bytes, 0),
          saved: { kind: 'download', fileName: archive.fileName },
        };
      } else {
        const parent = await this.destination.choose();
        if (ticket.stale || parent === null) return;
        const directory = childFolder(parent, `${runId}-${bundleSuffix(choice)}`);
        const result = await this.exportInto(input, directory);
        if (ticket.stale || result === null) return;
        outcome = {
          runId,
          choice,
          report: result.report,
          warnings: result.warnings,
          files: result.files,
          bytes: result.bytes,
          saved: { kind: 'folder', directory: result.directory },
        };
      }
      this.outcome = outcome;
      this.onExported?.(outcome);
    } catch (error) {
      if (ticket.stale) return;
      this.error = error instanceof Error ? error.message : String(error);
      this.toasts.error(error);
    } finally {
      if (!ticket.stale) {
        this.exporting = false;
        this.progress = null;
        this.running = null;
      }
    }
  }

  /** Saves the last downloaded zip again (a download the browser lost or the user dismissed). */
  downloadAgain(): void {
    if (this.destination.kind !== 'download' || !this.archive) return;
    this.destination.save(this.archive.fileName, this.archive.mimeType, this.archive.data);
  }

  /** The service's input: options only where they mean something (TF.js takes none, float32 no I/O type). */
  private exportInput(runId: string, choice: ShipChoice): ExportChoice {
    if (choice.format === 'tfjs') return { runId, format: 'tfjs' };
    if (choice.quantize === 'float32') return { runId, format: choice.format, quantize: 'float32' };
    return { runId, format: choice.format, quantize: 'int8', io: choice.io, calibration: choice.calibration };
  }

  /** exportRun into a folder; a folder holding an earlier export is replaced only when the user says so. */
  private async exportInto(input: ExportChoice, directory: string) {
    try {
      return await this.services.export.exportRun({ ...input, directory });
    } catch (error) {
      if (this.destination.kind !== 'folder' || !(error instanceof StudioError) || error.code !== 'already_exists') {
        throw error;
      }
      if (!this.destination.confirmOverwrite(`${error.message}\n\nReplace the files of the earlier export?`)) {
        return null;
      }
      return await this.services.export.exportRun({ ...input, directory, overwrite: true });
    }
  }

  private onProgress(event: ExportProgress): void {
    const running = this.running;
    if (!this.exporting || !running || event.runId !== running.runId || event.format !== running.format) return;
    this.progress = event;
  }

  private reset(): void {
    this.exporting = false;
    this.progress = null;
    this.running = null;
    this.outcome = null;
    this.error = null;
    this.archive = null;
  }
}
