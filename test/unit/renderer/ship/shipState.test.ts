import { describe, expect, it } from 'vitest';
import type {
  ExportFilesInput,
  ExportProgress,
  ExportRunInput,
  ExportService,
} from '../../../../src-shared/contract/ExportService.ts';
import { Emitter } from '../../../../src-shared/contract/events.ts';
import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import type {
  ExportArchive,
  ExportFormat,
  ExportFormatInfo,
  ExportResult,
  ShipReport,
} from '../../../../src-shared/model/ExportBundle.ts';
import { resolveExportOptions } from '../../../../src-main/services/export/resolveExportOptions.ts';
import { ShipState, type ShipDestination } from '../../../../src-renderer/lib/ship/ShipState.svelte.ts';
import { ToastState } from '../../../../src-renderer/lib/state/ToastState.svelte.ts';
import { inMemoryServices, settle } from '../../../support/inMemoryServices.ts';

const formatInfo: Record<ExportFormat, ExportFormatInfo> = {
  tflite: {
    format: 'tflite',
    name: 'TFLite',
    description: 'A .tflite flatbuffer',
    files: ['*.tflite', 'manifest.json'],
  },
  tflm: { format: 'tflm', name: 'TFLite Micro', description: 'A C array', files: ['model_data.cc', 'model_data.h'] },
  tfjs: { format: 'tfjs', name: 'TF.js layers model', description: 'For a browser', files: ['model.json'] },
};

/**
 * The export service in memory: finished runs export, others are refused as the service refuses
 * them; options resolve with the real service's defaults, so what the report says (int8, I/O type,
 * calibration inputs) is what the service would have made of the state's input. Folders written
 * are remembered, and one holding files is refused unless overwriting.
 */
class InMemoryExportService implements Partial<ExportService> {
  private readonly progressed = new Emitter<ExportProgress>();
  readonly onDidProgress = this.progressed.event;
  readonly folders = new Set<string>();
  offered: ExportFormat[] = ['tflite', 'tflm', 'tfjs'];

  constructor(readonly doneRuns: Set<string>) {}

  progress(runId: string, format: ExportFormat, stage: string, fraction: number): void {
    this.progressed.fire({ runId, format, stage, fraction });
  }

  async formats(): Promise<ExportFormatInfo[]> {
    return this.offered.map((format) => formatInfo[format]);
  }

  async exportFiles(input: ExportFilesInput): Promise<ExportArchive> {
    const { files, warnings, report, name } = this.bundle(input);
    return {
      runId: input.runId,
      format: input.format,
      fileName: `${name}.zip`,
      mimeType: 'application/zip',
      data: new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]),
      files,
      warnings,
      report,
    };
  }

  async exportRun(input: ExportRunInput): Promise<ExportResult> {
    const { files, warnings, report } = this.bundle(input);
    if (this.folders.has(input.directory) && !input.overwrite) {
      throw new StudioError(
        'already_exists',
        `${input.directory} already holds 2 files (model.tflite, manifest.json).`,
      );
    }
    this.folders.add(input.directory);
    const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
    return { runId: input.runId, format: input.format, directory: input.directory, files, bytes, warnings, report };
  }

  private bundle(input: ExportFilesInput) {
    if (!this.doneRuns.has(input.runId)) {
      throw new StudioError(
        'invalid_input',
        `Run ${input.runId} is still running; only a finished run can be exported.`,
      );
    }
    const options = resolveExportOptions(input);
    const name = `${input.runId}-${input.format}`;
    if (input.format === 'tfjs') {
      return { name, files: [{ path: 'model.json', bytes: 2100 }], warnings: [], report: null };
    }
    const modelFile = `model_${options.quantize}.tflite`;
    const report: ShipReport = {
      ...sampleReport,
      quantize: options.quantize,
      io: options.io,
      modelFile,
      calibrationInputs: options.calibration,
    };
    const warnings = options.calibration > 200 ? ['Only 200 training inputs exist; calibrated on 200.'] : [];
    return { name, files: [{ path: modelFile, bytes: 19_600 }], warnings, report };
  }
}

const sampleReport: ShipReport = {
  quantize: 'int8',
  io: 'float32',
  modelFile: 'model_int8.tflite',
  sizes: { rawBytes: 19_600, zlibBytes: 15_200, zipBytes: 15_400 },
  evaluationSplit: 'test',
  testClips: 412,
  floatAccuracy: 0.938,
  modelAccuracy: 0.935,
  agreement: 0.995,
  calibrationInputs: 300,
  ops: ['CONV_2D', 'DEPTHWISE_CONV_2D', 'MEAN', 'FULLY_CONNECTED', 'SOFTMAX'],
  arenaBytes: 12_288,
  macs: 2_640_000,
  frontEndMs: 0.183,
  interpreterLatencyMs: { default: 1.21, reference: 4.02 },
  latencyNote: null,
  input: { shape: [1, 49, 10, 1], dtype: 'float32', quantization: null },
  output: { shape: [1, 12], dtype: 'float32', quantization: null },
};

function shipState(destinationKind: 'download' | 'folder' = 'download') {
  const exports = new InMemoryExportService(new Set(['run-a', 'run-b']));
  const server = inMemoryServices({ export: exports });
  const toasts = new ToastState();
  const saved: { fileName: string; mimeType: string; bytes: number[] }[] = [];
  const folder = { chosen: '/home/ada/models' as string | null, overwrite: true, asked: [] as string[] };
  const destination: ShipDestination =
    destinationKind === 'download'
      ? { kind: 'download', save: (fileName, mimeType, data) => saved.push({ fileName, mimeType, bytes: [...data] }) }
      : {
          kind: 'folder',
          choose: async () => folder.chosen,
          confirmOverwrite: (message) => {
            folder.asked.push(message);
            return folder.overwrite;
          },
        };
  const state = new ShipState(server.services, toasts, destination);
  const messages = () => toasts.toasts.map((toast) => `${toast.kind}: ${toast.message}`);
  return { state, exports, server, saved, folder, messages };
}

describe('ShipState', () => {
  it('starts each format with its own I/O type and sends only the options a format takes', async () => {
    const { state, server } = shipState();
    const stop = state.start();
    state.open('run-a');
    await settle();
    expect(state.offered).toEqual(['tflite', 'tflm', 'tfjs']);
    expect(state.info?.description).toBe('A .tflite flatbuffer');
    expect([state.format, state.quantize, state.io, state.calibration]).toEqual(['tflite', 'int8', 'float32', 300]);

    await state.exportBundle();
    state.setFormat('tflm');
    expect(state.io).toBe('int8');
    await state.exportBundle();
    expect(state.outcome?.report).toMatchObject({ quantize: 'int8', io: 'int8', calibrationInputs: 300 });
    state.setFormat('tflite');
    expect(state.io).toBe('float32');
    state.setIo('int8');
    state.setCalibration(50);
    await state.exportBundle();
    state.setQuantize('float32');
    await state.exportBundle();
    expect(state.outcome?.report).toMatchObject({ quantize: 'float32', io: 'float32', calibrationInputs: 0 });
    state.setFormat('tfjs');
    expect(state.quantizable).toBe(false);
    await state.exportBundle();
    expect(state.outcome?.report).toBeNull();
    expect(state.outcome?.choice).toEqual({ format: 'tfjs', quantize: 'float32', io: 'float32', calibration: 0 });

    expect(server.inputs('export.exportFiles')).toEqual([
      { runId: 'run-a', format: 'tflite', quantize: 'int8', io: 'float32', calibration: 300 },
      { runId: 'run-a', format: 'tflm', quantize: 'int8', io: 'int8', calibration: 300 },
      { runId: 'run-a', format: 'tflite', quantize: 'int8', io: 'int8', calibration: 50 },
      { runId: 'run-a', format: 'tflite', quantize: 'float32' },
      { runId: 'run-a', format: 'tfjs' },
    ]);
    stop();
  });

  it('offers only the formats the service lists, and moves off a format it does not', async () => {
    const { state, exports } = shipState();
    exports.offered = ['tfjs'];
    state.start();
    state.open('run-a');
    await settle();
    expect(state.offered).toEqual(['tfjs']);
    expect(state.format).toBe('tfjs');
  });

  it('holds back a calibration size outside 1..10,000 or not whole, saying which sizes work', async () => {
    const { state, server } = shipState();
    state.open('run-a');
    for (const bad of [0, 10_001, 2.5, Number.NaN]) {
      state.setCalibration(bad);
      expect(state.calibrationError, String(bad)).toBe('A whole number of training inputs from 1 to 10,000.');
      expect(state.canExport).toBe(false);
      await state.exportBundle();
    }
    expect(server.inputs('export.exportFiles')).toEqual([]);
    // Only int8 calibrates: a float32 or TF.js export does not care what the hidden field holds.
    state.setQuantize('float32');
    expect(state.calibrationError).toBeNull();
    state.setQuantize('int8');
    state.setCalibration(10_000);
    expect(state.canExport).toBe(true);
  });

  it('downloads the zip, shows the report and warnings, and saves the same zip again on request', async () => {
    const { state, saved, messages } = shipState();
    state.open('run-a');
    state.setCalibration(250);
    await state.exportBundle();
    expect(saved).toEqual([{ fileName: 'run-a-tflite.zip', mimeType: 'application/zip', bytes: expect.any(Array) }]);
    expect(saved[0]!.bytes.slice(0, 4)).toEqual([0x50, 0x4b, 0x05, 0x06]);
    expect(state.outcome).toMatchObject({
      runId: 'run-a',
      saved: { kind: 'download', fileName: 'run-a-tflite.zip' },
      warnings: ['Only 200 training inputs exist; calibrated on 200.'],
      files: [{ path: 'model_int8.tflite', bytes: 19_600 }],
      bytes: 19_600,
      report: { sizes: { zlibBytes: 15_200 }, calibrationInputs: 250 },
    });
    expect(state.exporting).toBe(false);
    expect(messages()).toEqual([]);
    state.downloadAgain();
    expect(saved.map((file) => file.fileName)).toEqual(['run-a-tflite.zip', 'run-a-tflite.zip']);
  });

  it('shows the progress of its own run and format only, and none once the export answered', async () => {
    const { state, exports, server } = shipState();
    const stop = state.start();
    state.open('run-a');
    // Progress of an export this panel did not start (the CLI, another run) is not this panel's.
    exports.progress('run-a', 'tflite', 'Calibrating', 0.2);
    expect(state.progress).toBeNull();

    const replies = server.hold('export.exportFiles');
    const exporting = state.exportBundle();
    await settle();
    expect(state.exporting).toBe(true);
    expect(state.canExport).toBe(false);
    exports.progress('run-b', 'tflite', 'Measuring run-b', 0.9);
    exports.progress('run-a', 'tfjs', 'Copying the TF.js model', 0.5);
    await settle();
    expect(state.progress).toBeNull();
    exports.progress('run-a', 'tflite', 'Calibrating on 300 training inputs', 0.4);
    await settle();
    expect(state.progress).toEqual({
      runId: 'run-a',
      format: 'tflite',
      stage: 'Calibrating on 300 training inputs',
      fraction: 0.4,
    });
    exports.progress('run-b', 'tflite', 'Measuring run-b', 0.95);
    await settle();
    expect(state.progress?.stage).toBe('Calibrating on 300 training inputs');

    await replies.releaseAll();
    await exporting;
    expect(state.exporting).toBe(false);
    expect(state.progress).toBeNull();
    exports.progress('run-a', 'tflite', 'Measuring', 1);
    await settle();
    expect(state.progress).toBeNull();
    // Stopped (the panel is gone): events no longer reach the state.
    stop();
    const held = server.hold('export.exportFiles');
    const again = state.exportBundle();
    await settle();
    exports.progress('run-a', 'tflite', 'Calibrating', 0.1);
    await settle();
    expect(state.exporting).toBe(true);
    expect(state.progress).toBeNull();
    await held.releaseAll();
    await again;
  });

  it('says why an export failed, in a toast and on the panel, and keeps the form as it was', async () => {
    const { state, exports, messages } = shipState();
    exports.doneRuns.delete('run-b');
    state.open('run-b');
    state.setFormat('tflm');
    state.setCalibration(120);
    await state.exportBundle();
    const said = 'Run run-b is still running; only a finished run can be exported.';
    expect(messages()).toEqual([`error: ${said}`]);
    expect(state.error).toBe(said);
    expect(state.outcome).toBeNull();
    expect(state.exporting).toBe(false);
    expect([state.format, state.quantize, state.io, state.calibration]).toEqual(['tflm', 'int8', 'int8', 120]);
    expect(state.canExport).toBe(true);
    // Editing the form clears the stale error; a second try that works shows its report.
    exports.doneRuns.add('run-b');
    state.setCalibration(100);
    expect(state.error).toBeNull();
    await state.exportBundle();
    expect(state.outcome?.report?.calibrationInputs).toBe(100);
  });

  it('drops an export of the run shown before when it answers after the panel moved on', async () => {
    const { state, exports, server, saved, messages } = shipState();
    const exported: string[] = [];
    state.onExported = (outcome) => exported.push(outcome.runId);
    state.open('run-a');
    const replies = server.hold('export.exportFiles');
    const first = state.exportBundle();
    await settle();
    state.open('run-b');
    expect(state.runId).toBe('run-b');
    expect(state.exporting).toBe(false);
    const second = state.exportBundle();
    await settle();
    expect(replies.waiting.map((call) => (call.input as ExportFilesInput).runId)).toEqual(['run-a', 'run-b']);

    await replies.release(1);
    expect(state.outcome?.runId).toBe('run-b');
    await replies.release(0);
    await Promise.all([first, second]);
    expect(state.outcome?.runId).toBe('run-b');
    expect(saved.map((file) => file.fileName)).toEqual(['run-b-tflite.zip']);
    expect(exported).toEqual(['run-b']);

    // A failure of the run shown before is not reported over the run shown now either.
    const failing = server.hold('export.exportFiles');
    state.open('run-a');
    exports.exportFiles = () => Promise.reject(new StudioError('io_error', 'The disk is full.'));
    const third = state.exportBundle();
    state.open('run-b');
    await failing.releaseAll();
    await third;
    expect(messages()).toEqual([]);
    expect(state.error).toBeNull();
    expect(state.outcome).toBeNull();
  });

  it('exports into a folder it names after the run and form in Electron, asking before replacing an earlier export', async () => {
    const { state, server, folder, messages } = shipState('folder');
    state.open('run-a');
    state.setFormat('tflm');
    await state.exportBundle();
    expect(server.inputs('export.exportRun')).toEqual([
      {
        runId: 'run-a',
        format: 'tflm',
        quantize: 'int8',
        io: 'int8',
        calibration: 300,
        directory: '/home/ada/models/run-a-tflm-int8',
      },
    ]);
    expect(state.outcome?.saved).toEqual({ kind: 'folder', directory: '/home/ada/models/run-a-tflm-int8' });

    // The same export again: the folder holds the first one's files; the user says to replace them.
    await state.exportBundle();
    expect(folder.asked).toHaveLength(1);
    expect(folder.asked[0]).toMatch(/already holds 2 files.*Replace the files of the earlier export\?/s);
    expect(server.inputs('export.exportRun').at(-1)).toMatchObject({ overwrite: true });

    // Declined: nothing is replaced and nothing is wrong.
    folder.overwrite = false;
    const calls = server.inputs('export.exportRun').length;
    await state.exportBundle();
    expect(server.inputs('export.exportRun')).toHaveLength(calls + 1);
    expect(state.error).toBeNull();
    expect(state.exporting).toBe(false);

    // The dialog cancelled: no export at all.
    folder.chosen = null;
    await state.exportBundle();
    expect(server.inputs('export.exportRun')).toHaveLength(calls + 1);
    expect(state.exporting).toBe(false);
    expect(messages()).toEqual([]);

    // A Windows folder gets a Windows path.
    folder.chosen = 'C:\\Users\\ada\\models';
    state.setFormat('tflite');
    await state.exportBundle();
    expect(server.inputs('export.exportRun').at(-1)).toMatchObject({
      directory: 'C:\\Users\\ada\\models\\run-a-tflite-int8-float-io',
    });
  });
});
