import type { ExportChoice } from '../../../src-shared/contract/ExportService.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { DEFAULT_CALIBRATION_INPUTS, defaultExportIo } from '../../../src-shared/model/ExportBundle.ts';
import type { ResolvedExportOptions } from './RunExporter.ts';

/**
 * The options of an export with defaults filled in: int8, 300 calibration inputs, int8 I/O for
 * TFLite Micro and float32 I/O for TFLite. Refuses combinations that mean nothing, naming them.
 */
export function resolveExportOptions(choice: ExportChoice): ResolvedExportOptions {
  const { format, quantize, io, calibration } = choice;
  if (format === 'tfjs') {
    if ((quantize && quantize !== 'float32') || (io && io !== 'float32')) {
      throw new StudioError(
        'invalid_input',
        'A TF.js model is float32 only; choose the tflite or tflm format for an int8 model.',
      );
    }
    return { quantize: 'float32', io: 'float32', calibration: 0 };
  }
  const resolvedQuantize = quantize ?? 'int8';
  if (resolvedQuantize === 'float32') {
    if (io === 'int8')
      throw new StudioError(
        'invalid_input',
        'A float32 model has float32 input and output; int8 I/O needs --quantize int8.',
      );
    return { quantize: 'float32', io: 'float32', calibration: 0 };
  }
  return {
    quantize: 'int8',
    io: io ?? defaultExportIo(format),
    calibration: calibration ?? DEFAULT_CALIBRATION_INPUTS,
  };
}
