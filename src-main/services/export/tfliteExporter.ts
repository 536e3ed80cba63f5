import fs from 'node:fs';
import path from 'node:path';
import type { RunExporter } from './RunExporter.ts';
import { inputsNormalization } from './manifestNormalization.ts';
import { shipModel } from './ship/shipModel.ts';

/** A .tflite flatbuffer: float32, or full-integer int8 with int8 or float32 input and output. */
export const tfliteExporter: RunExporter = {
  info: {
    format: 'tflite',
    name: 'TensorFlow Lite model',
    description:
      'A .tflite file for TensorFlow Lite / LiteRT on phones, Raspberry Pi and Linux boards: int8 (full-integer post-training quantization, calibrated on training clips) or float32. Batch 1, softmax output.',
    files: ['model_int8.tflite | model_int8_float_io.tflite | model_float32.tflite', 'manifest.json'],
  },
  async write(run, directory, context) {
    const shipped = await shipModel(run, context);
    fs.writeFileSync(path.join(directory, shipped.fileName), shipped.bytes);
    return {
      files: [{ path: shipped.fileName, bytes: shipped.bytes.length }],
      warnings: [],
      report: shipped.report,
      normalization: inputsNormalization(shipped.evaluation),
    };
  },
};
