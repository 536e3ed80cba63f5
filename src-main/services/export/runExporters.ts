import type { ExportFormat } from '../../../src-shared/model/ExportBundle.ts';
import type { RunExporter } from './RunExporter.ts';
import { tfjsExporter } from './tfjsExporter.ts';

/** The exporter of each format; the mapped type makes a format without one a compile error. */
export const runExporters: { [F in ExportFormat]: RunExporter } = {
  tfjs: tfjsExporter,
};
