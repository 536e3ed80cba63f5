import { featureGeometry } from '../../../../src-shared/dsp/featureGeometry.ts';
import type { FeatureSpec } from '../../../../src-shared/model/FeatureSpec.ts';
import type { ModelSpec, ModelStats } from '../../../../src-shared/model/ModelSpec.ts';
import { loadTensorflow } from '../../tensorflow/loadTensorflow.ts';
import { buildModel } from './buildModel.ts';

/** Parameters and MACs of a model for a feature spec, from a model built and thrown away. */
export async function modelStatsFor(model: ModelSpec, features: FeatureSpec, classes: number): Promise<ModelStats> {
  const { tf } = await loadTensorflow();
  const { frames, bins } = featureGeometry(features);
  const built = buildModel(tf, model, [frames, bins, 1], classes, 0);
  try {
    return built.stats();
  } finally {
    built.dispose();
  }
}
