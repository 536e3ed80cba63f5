import type { ModelSpec } from '../../../../src-shared/model/ModelSpec.ts';
import { buildLayeredModel } from './buildLayeredModel.ts';
import type { KwsModel } from './KwsModel.ts';
import type { Tf } from './ModelLayer.ts';

export type { KwsModel } from './KwsModel.ts';
export { reparameterize } from './reparameterize.ts';

/**
 * Builds a model from its spec for inputs [frames, bins, 1] and `classes` logits. Kernels are
 * seeded Glorot-uniform (the same seed gives the same weights), biases zero, batch norm γ 1, β 0,
 * moving mean 0, moving variance 1.
 */
export function buildModel(
  tf: Tf,
  spec: ModelSpec,
  inputShape: [number, number, 1],
  classes: number,
  seed: number,
): KwsModel {
  return buildLayeredModel(tf, spec, inputShape, classes, seed, false);
}
