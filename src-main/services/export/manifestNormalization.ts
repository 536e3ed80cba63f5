import path from 'node:path';
import { featureGeometry } from '../../../src-shared/dsp/featureGeometry.ts';
import { MIN_STD } from '../../../src-shared/dsp/normalizeFeatures.ts';
import type { ExportManifest } from '../../../src-shared/model/ExportBundle.ts';
import { NORMALIZATION_ARTIFACT, readRunNormalization } from '../runs/runNormalization.ts';
import type { ExportableRun } from './ExportableRun.ts';
import type { ModelInputs } from './ModelInputs.ts';

export type ManifestNormalization = ExportManifest['normalization'];

/**
 * The run's normalization constants as its training recorded them: dataset statistics from its
 * normalization.json; null for a dataset-normalized run trained before the studio recorded them.
 */
export function recordedNormalization(run: ExportableRun): ManifestNormalization | null {
  const kind = run.detail.spec.features.normalization;
  if (kind !== 'dataset') return { kind, mean: null, std: null, minStd: MIN_STD };
  const artifact = run.artifacts.find((file) => file.kind === NORMALIZATION_ARTIFACT);
  if (!artifact) return null;
  const stats = readRunNormalization(
    path.join(run.folder, artifact.path),
    featureGeometry(run.detail.spec.features).bins,
  );
  return { kind, mean: Array.from(stats.mean), std: Array.from(stats.std), minStd: MIN_STD };
}

/** The constants the inputs a model was measured on were normalized with (recorded, or recomputed for older runs). */
export function inputsNormalization(inputs: ModelInputs): ManifestNormalization {
  const { kind, mean, std } = inputs.normalization;
  return { kind, mean: mean ? Array.from(mean) : null, std: std ? Array.from(std) : null, minStd: MIN_STD };
}
