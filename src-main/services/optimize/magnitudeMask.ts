import type { Tensor } from '@tensorflow/tfjs-node';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import { keptWeightCount } from './keptWeightCount.ts';

/**
 * tfmot's magnitude mask with block size 1×1: the threshold is the k-th largest |w| of the whole
 * tensor, and every weight with |w| ≥ threshold is kept. Ties at the threshold are all kept, so a
 * layer with repeated magnitudes can end up less sparse than asked (all-zero weights keep everything).
 * Returns a new tensor of the weights' shape and dtype holding 0 and 1.
 */
export function magnitudeMask(tf: TensorflowModule, weights: Tensor, sparsity: number): Tensor {
  return tf.tidy(() => {
    const magnitudes = tf.abs(weights);
    const keep = keptWeightCount(weights.size, sparsity);
    const threshold = tf
      .topk(magnitudes.reshape([-1]), keep, true)
      .values.slice([keep - 1], [1])
      .reshape([]);
    return tf.cast(tf.greaterEqual(magnitudes, threshold), weights.dtype);
  });
}
