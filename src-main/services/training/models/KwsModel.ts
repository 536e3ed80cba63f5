import type * as tfjs from '@tensorflow/tfjs-node';
import type { ModelSpec, ModelStats } from '../../../../src-shared/model/ModelSpec.ts';

/**
 * A keyword-spotting network as plain variables and a forward function (not a tfjs-layers model),
 * so training can use raw and fused native ops and pruning or reparameterization can act on the
 * variables directly.
 */
export interface KwsModel {
  readonly spec: ModelSpec;
  /** [frames, bins, 1]. */
  readonly inputShape: [number, number, 1];
  readonly classes: number;
  /** True for a rep_inception model whose branches `reparameterize` folded into one kernel per direction. */
  readonly reparameterized: boolean;
  /** Trainable variables in a stable order. */
  readonly trainable: tfjs.Variable[];
  /** Non-trainable state: batch-norm moving mean and variance. */
  readonly state: tfjs.Variable[];
  /** The kernels magnitude pruning acts on: conv, depthwise, pointwise and dense kernels (not biases or BN). */
  readonly prunable: tfjs.Variable[];
  /**
   * The stable name of one of this model's variables, e.g. "block1/depthwise/kernel". The tfjs
   * `variable.name` carries a per-instance prefix on top, because tfjs names are process-global.
   */
  nameOf(variable: tfjs.Variable): string;
  /**
   * Logits [batch, classes]. training=true: dropout on, batch norm normalizes with batch statistics
   * and moves its averages (momentum 0.9, epsilon 1e-3). Works inside tf.variableGrads. `seed`
   * makes dropout deterministic.
   */
  apply(x: tfjs.Tensor4D, training: boolean, seed?: number): tfjs.Tensor2D;
  /** Parameters, trainable parameters, multiply-accumulates for one input, float32 bytes. */
  stats(): ModelStats;
  /** Copies of every variable (trainable and state) by stable name; the caller disposes them. */
  getWeights(): Map<string, tfjs.Tensor>;
  /** Sets every variable from a map of getWeights' shape (all names, same shapes; values are copied). */
  setWeights(weights: Map<string, tfjs.Tensor>): void;
  /** A tf.LayersModel computing apply(x, false), for saving as a TF.js model. Owns copies of the weights. */
  toLayersModel(): tfjs.LayersModel;
  dispose(): void;
}
