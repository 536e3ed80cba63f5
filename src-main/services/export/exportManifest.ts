import { featureGeometry } from '../../../src-shared/dsp/featureGeometry.ts';
import { MIN_STD } from '../../../src-shared/dsp/normalizeFeatures.ts';
import type { ExportFormat, ExportManifest } from '../../../src-shared/model/ExportBundle.ts';
import { appVersion } from '../appVersion.ts';
import type { ExportableRun } from './ExportableRun.ts';
import type { ManifestNormalization } from './manifestNormalization.ts';
import type { WrittenBundle } from './RunExporter.ts';

/** What a bundle cannot carry for every format, said so a user can act on it. */
export function runWarnings(run: ExportableRun, normalization: ManifestNormalization | null): string[] {
  if (normalization) return [];
  return [
    `Run ${run.detail.id} normalizes features with statistics of its training split and was trained before the studio ` +
      'recorded them: this bundle does not carry them, so a device cannot compute the same input. Train the run again to record them.',
  ];
}

/**
 * manifest.json: the labels in output order, the input and output tensors (with int8 quantization),
 * the full feature spec and its normalization constants, what a TFLite export measured, and every file.
 */
export function exportManifest(
  run: ExportableRun,
  format: ExportFormat,
  written: WrittenBundle,
  normalization: ManifestNormalization | null,
  warnings: string[],
): ExportManifest {
  const { detail, summary } = run;
  const { report } = written;
  const geometry = featureGeometry(detail.spec.features);
  const kind = detail.spec.features.normalization;
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
    input: report
      ? report.input
      : { shape: [1, geometry.frames, geometry.bins, 1], dtype: 'float32', quantization: null },
    output: report
      ? { ...report.output, values: 'probabilities' }
      : { shape: [1, summary.classes.length], dtype: 'float32', values: 'logits', quantization: null },
    features: detail.spec.features,
    normalization: normalization ?? { kind, mean: null, std: null, minStd: MIN_STD },
    tflite: report,
    files: written.files,
    warnings,
  };
}
