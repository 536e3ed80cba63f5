import fs from 'node:fs';
import path from 'node:path';
import type { ExportFormat } from '../../../src-shared/model/ExportBundle.ts';
import type { ExportableRun } from './ExportableRun.ts';
import { exportManifest, runWarnings } from './exportManifest.ts';
import { recordedNormalization } from './manifestNormalization.ts';
import type { ExportContext, WrittenBundle } from './RunExporter.ts';
import { runExporters } from './runExporters.ts';

export const MANIFEST_FILE = 'manifest.json';

/** Writes the run's whole bundle in `format`, manifest.json last, into `directory` (new and empty); lists its files. */
export async function writeBundle(
  run: ExportableRun,
  format: ExportFormat,
  directory: string,
  context: ExportContext,
): Promise<WrittenBundle> {
  const written = await runExporters[format].write(run, directory, context);
  const normalization = written.normalization ?? recordedNormalization(run);
  const warnings = [...runWarnings(run, normalization), ...written.warnings];
  const manifest = `${JSON.stringify(exportManifest(run, format, written, normalization, warnings), null, 2)}\n`;
  fs.writeFileSync(path.join(directory, MANIFEST_FILE), manifest);
  return {
    files: [...written.files, { path: MANIFEST_FILE, bytes: Buffer.byteLength(manifest) }],
    warnings,
    report: written.report,
  };
}
