import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import {
  DEFAULT_CALIBRATION_INPUTS,
  exportFormats,
  type ExportFormat,
  type ExportIoType,
  type ExportQuantization,
  type ShipReport,
} from '../../src-shared/model/ExportBundle.ts';
import type { StudioServices } from '../services/createServices.ts';
import { numberOption, type NumberRange } from './numberOption.ts';

// The export service's own bounds on calibration inputs (inputSchemas' exportChoice): the CLI calls the
// service directly, so it checks them here, the way every other number option is checked.
const CALIBRATION_RANGE: NumberRange = { whole: true, min: 1, max: 10_000 };

/** `kws-studio export`: writes a finished run's model bundle into a folder, through the export service. */
export function addExportCommand(program: Command, studio: StudioServices): void {
  const { project, export: exports } = studio.services;
  program
    .command('export [runId]')
    .description(
      "Export a finished run's model as a bundle (the model files and a manifest.json with labels, input shape and feature spec) into a folder.",
    )
    .requiredOption('--project <dir>', 'the project')
    .option('--run <runId>', 'the run to export (or give it as the argument)')
    .addOption(
      new Option(
        '--format <format>',
        'tflite: a .tflite file; tflm: the same as a TFLite Micro C array; tfjs: the TF.js model',
      )
        .choices(exportFormats)
        .default('tflite'),
    )
    .addOption(
      new Option('--quantize <type>', 'tflite/tflm: int8 (full-integer post-training quantization) or float32')
        .choices(['int8', 'float', 'float32'])
        .argParser(floatAlias),
    )
    .addOption(
      new Option(
        '--io <type>',
        'int8 models: input/output tensors int8 (default for tflm) or float32 (default for tflite)',
      )
        .choices(['int8', 'float', 'float32'])
        .argParser(floatAlias),
    )
    .option(
      '--calibration <n>',
      `int8: representative training inputs that set activation ranges (default ${DEFAULT_CALIBRATION_INPUTS})`,
      numberOption('--calibration', CALIBRATION_RANGE),
    )
    .requiredOption(
      '--out <dir>',
      "the bundle's folder: created if missing (its parent must exist), or an empty folder",
    )
    .option(
      '--force',
      "write into a folder that holds files: replaces same-named files and an earlier export's, leaves the rest",
    )
    .option('--json', 'print what was written as JSON')
    .action(
      async (
        runArgument: string | undefined,
        options: {
          project: string;
          run?: string;
          format: ExportFormat;
          quantize?: ExportQuantization;
          io?: ExportIoType;
          calibration?: number;
          out: string;
          force?: boolean;
          json?: boolean;
        },
      ) => {
        if (runArgument && options.run && runArgument !== options.run) {
          throw new StudioError(
            'invalid_input',
            `Two runs given (${runArgument} and --run ${options.run}); export one at a time.`,
          );
        }
        const runId = runArgument ?? options.run;
        if (!runId)
          throw new StudioError(
            'invalid_input',
            'Which run? Give its id: kws-studio export RUN --project DIR --out DIR.',
          );
        await project.open({ path: options.project });
        const result = await exports.exportRun({
          runId,
          format: options.format,
          quantize: options.quantize,
          io: options.io,
          calibration: options.calibration,
          directory: path.resolve(options.out),
          overwrite: options.force,
        });
        for (const warning of result.warnings) console.error(`note: ${warning}`);
        if (options.json) {
          console.log(JSON.stringify(result, null, 2));
          return;
        }
        console.log(`directory=${result.directory}`);
        for (const file of result.files) console.log(`file=${file.path} bytes=${file.bytes}`);
        console.log(`bytes=${result.bytes}`);
        if (result.report) for (const line of shipReportLines(result.report)) console.log(line);
      },
    );
}

/**
 * `float` is accepted for float32, as users say it. A custom parser replaces commander's choices
 * check, so this one refuses anything else itself (e.g. `--quantize int4` is not float32).
 */
function floatAlias(value: string): 'int8' | 'float32' {
  if (value === 'int8') return 'int8';
  if (value === 'float' || value === 'float32') return 'float32';
  throw new InvalidArgumentError('Allowed choices are int8, float, float32.');
}

/** The measured figures as key=value lines, each named by how it was measured. */
function shipReportLines(report: ShipReport): string[] {
  const percent = (x: number) => (100 * x).toFixed(2);
  const q = (t: ShipReport['input']) =>
    t.quantization ? ` scale=${t.quantization.scale} zero_point=${t.quantization.zeroPoint}` : '';
  return [
    `model=${report.modelFile} quantize=${report.quantize} io=${report.io}`,
    `raw_bytes=${report.sizes.rawBytes} zlib9_bytes=${report.sizes.zlibBytes} zip_bytes=${report.sizes.zipBytes}`,
    `test_clips=${report.testClips} float_accuracy=${percent(report.floatAccuracy)} model_accuracy=${percent(report.modelAccuracy)} agreement=${percent(report.agreement)}`,
    `calibration_inputs=${report.calibrationInputs} macs=${report.macs} arena_bytes=${report.arenaBytes} ops=${report.ops.join(',')}`,
    `front_end_ms=${report.frontEndMs.toFixed(3)}` +
      (report.interpreterLatencyMs
        ? ` interpreter_ms=${report.interpreterLatencyMs.default.toFixed(3)} interpreter_ref_ms=${report.interpreterLatencyMs.reference.toFixed(3)}`
        : ` interpreter_ms=none (${report.latencyNote ?? 'not measured'})`),
    `input=${report.input.dtype}[${report.input.shape.join(',')}]${q(report.input)}`,
    `output=${report.output.dtype}[${report.output.shape.join(',')}]${q(report.output)}`,
  ];
}
