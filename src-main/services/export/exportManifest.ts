import { featureGeometry } from '../../../src-shared/dsp/featureGeometry.ts';
import type { ExportedFile, ExportFormat, ExportManifest } from '../../../src-shared/model/ExportBundle.ts';
import { appVersion } from '../appVersion.ts';
import type { ExportableRun } from './ExportableRun.ts';

/** What a bundle cannot carry for every format, said so a user can act on it. */
export function runWarnings(run: ExportableRun): string[] {
  if (run.detail.spec.features.normalization !== 'dataset') return [];
  // Dataset statistics live only in the training process today; a device would need them to compute the input.
  return [
    `Run ${run.detail.id} normalizes features with statistics of its training split, which the run does not record: ` +
      'a device cannot compute the same input from this bundle. Runs with normalization "clip" or "none" carry everything they need.',
  ];
}

/** manifest.json: the labels in output order, the input shape and the full feature spec, and every other file. */
export function exportManifest(
  run: ExportableRun,
  format: ExportFormat,
  files: ExportedFile[],
  warnings: string[],
): ExportManifest {
  const { detail, summary } = run;
  const geometry = featureGeometry(detail.spec.features);
  return {
    generator: `KWS Studio ${appVersion}`,
    format,
    createdAt: new Date().toISOString(),
    run: {
      id: detail.id,
      name: detail.name,
      specHash: detail.specHash,
      finishedAt: detail.finishedAt,
      testAccuracy: summary.testAccuracy,
    },
    labels: summary.classes,
    input: { shape: [1, geometry.frames, geometry.bins, 1], dtype: 'float32' },
    output: { shape: [1, summary.classes.length], values: 'logits' },
    features: detail.spec.features,
    files,
    warnings,
  };
}
