import type { ExportFormat } from '../../../src-shared/model/ExportBundle.ts';
import type { RunExporter } from './RunExporter.ts';
import { tfjsExporter } from './tfjsExporter.ts';
import { tfliteExporter } from './tfliteExporter.ts';
import { tflmExporter } from './tflmExporter.ts';

/** The exporter of each format; the mapped type makes a format without one a compile error. */
export const runExporters: { [F in ExportFormat]: RunExporter } = {
  tflite: tfliteExporter,
  tflm: tflmExporter,
  tfjs: tfjsExporter,
};
