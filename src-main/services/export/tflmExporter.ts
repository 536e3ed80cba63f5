import fs from 'node:fs';
import path from 'node:path';
import type { ShipReport, TensorQuantizationInfo } from '../../../src-shared/model/ExportBundle.ts';
import type { RunExporter } from './RunExporter.ts';
import { inputsNormalization } from './manifestNormalization.ts';
import { shipModel } from './ship/shipModel.ts';
import { OP_RESOLVER_HEADER, opResolverSnippet } from './tflm/opResolverSnippet.ts';
import { writeCArray } from './tflm/writeCArray.ts';

const SOURCE = 'model_data.cc';
const HEADER = 'model_data.h';

/** The TFLite model as a TFLite Micro C array, with the op resolver it needs and the .tflite beside it. */
export const tflmExporter: RunExporter = {
  info: {
    format: 'tflm',
    name: 'TensorFlow Lite Micro C array',
    description:
      'model_data.cc / model_data.h (the .tflite bytes as an aligned C array and its length), model_ops.h (the op resolver the model needs) and the .tflite file, for microcontrollers; int8 input and output by default, with a tensor-arena estimate.',
    files: [
      SOURCE,
      HEADER,
      OP_RESOLVER_HEADER,
      'model_int8.tflite | model_int8_float_io.tflite | model_float32.tflite',
      'manifest.json',
    ],
  },
  async write(run, directory, context) {
    const shipped = await shipModel(run, context);
    const { report } = shipped;
    const { source, header } = writeCArray(shipped.bytes, {
      name: 'g_kws_model',
      header: HEADER,
      about: {
        runId: run.detail.id,
        labels: run.summary.classes,
        input: tensorLine(report.input, 'normalized features'),
        output: tensorLine(report.output, 'softmax probabilities'),
        ops: report.ops,
        arena: `${report.arenaBytes.toLocaleString('en-US')} bytes (an estimate of TFLite Micro's tensor arena; round up and check with the interpreter's arena_used_bytes())`,
      },
    });
    const files = [
      { path: SOURCE, text: source },
      { path: HEADER, text: header },
      { path: OP_RESOLVER_HEADER, text: opResolverSnippet(report.ops) },
    ];
    for (const file of files) fs.writeFileSync(path.join(directory, file.path), file.text);
    fs.writeFileSync(path.join(directory, shipped.fileName), shipped.bytes);
    return {
      files: [
        ...files.map((file) => ({ path: file.path, bytes: Buffer.byteLength(file.text) })),
        { path: shipped.fileName, bytes: shipped.bytes.length },
      ],
      warnings: [],
      report,
      normalization: inputsNormalization(shipped.evaluation),
    };
  },
};

function tensorLine(tensor: ShipReport['input'], what: string): string {
  const q = (quantization: TensorQuantizationInfo) =>
    `, scale ${quantization.scale}, zero point ${quantization.zeroPoint}`;
  return `[${tensor.shape.join(', ')}] ${tensor.dtype} ${what}${tensor.quantization ? q(tensor.quantization) : ''}`;
}
