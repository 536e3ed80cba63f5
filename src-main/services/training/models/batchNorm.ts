import type * as tfjs from '@tensorflow/tfjs-node';
import type { Tf } from './ModelLayer.ts';
import { floatTypeAttr, nativeBackend, type NativeBackend, type OpAttr } from './nativeBackend.ts';

/**
 * Keras's epsilon, but momentum 0.9 rather than its 0.99: keyword datasets are small, and with 0.99
 * the moving averages trail the weights for hundreds of steps — FSDD's validation accuracy stayed at
 * chance for 12 epochs with 0.99 and passed 90 % after 3 with 0.9 (the same recipe, same final
 * accuracy). The Keras reference uses the same value.
 */
export const BATCH_NORM_MOMENTUM = 0.9;
export const BATCH_NORM_EPSILON = 1e-3;

export interface BatchNormVariables {
  gamma: tfjs.Variable;
  beta: tfjs.Variable;
  movingMean: tfjs.Variable;
  movingVariance: tfjs.Variable;
}

/**
 * Training-mode batch norm over the channels of an NHWC tensor: normalizes with the batch's
 * statistics and moves the averages (moving = momentum·moving + (1 − momentum)·batch; the batch
 * variance enters unbiased, as TensorFlow's fused kernel and tf.keras 2 do). Natively this is one
 * FusedBatchNormV3 forward and one FusedBatchNormGradV3 backward instead of a dozen composed ops
 * each way; the moving averages come out of the same forward op. `relu` appends a ReLU inside the
 * same gradient node (Relu forward, ReluGrad backward).
 */
export function batchNormTraining(tf: Tf, x: tfjs.Tensor4D, bn: BatchNormVariables, relu = false): tfjs.Tensor4D {
  const backend = nativeBackend(tf);
  if (backend) return nativeBatchNormTraining(tf, backend, x, bn, relu);
  const y = compositeBatchNormTraining(tf, x, bn);
  return relu ? tf.relu(y) : y;
}

export function batchNormInference(tf: Tf, x: tfjs.Tensor4D, bn: BatchNormVariables): tfjs.Tensor4D {
  return tf.batchNorm4d(
    x,
    bn.movingMean as tfjs.Tensor1D,
    bn.movingVariance as tfjs.Tensor1D,
    bn.beta as tfjs.Tensor1D,
    bn.gamma as tfjs.Tensor1D,
    BATCH_NORM_EPSILON,
  );
}

function fusedAttrs(backend: NativeBackend, training: boolean, exponentialAverageFactor?: number): OpAttr[] {
  const { binding } = backend;
  const attrs: OpAttr[] = [
    floatTypeAttr(backend),
    { name: 'U', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'epsilon', type: binding.TF_ATTR_FLOAT, value: BATCH_NORM_EPSILON },
    { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: binding.TF_ATTR_BOOL, value: training },
  ];
  if (exponentialAverageFactor !== undefined)
    attrs.push({ name: 'exponential_avg_factor', type: binding.TF_ATTR_FLOAT, value: exponentialAverageFactor });
  return attrs;
}

function nativeBatchNormTraining(
  tf: Tf,
  backend: NativeBackend,
  x: tfjs.Tensor4D,
  bn: BatchNormVariables,
  relu: boolean,
): tfjs.Tensor4D {
  const forwardAttrs = fusedAttrs(backend, true, 1 - BATCH_NORM_MOMENTUM);
  const backwardAttrs = fusedAttrs(backend, true);
  const reluAttrs = [floatTypeAttr(backend)];
  const op = tf.customGrad((...args: unknown[]) => {
    const [input, gamma, beta, save] = args as [
      tfjs.Tensor4D,
      tfjs.Tensor1D,
      tfjs.Tensor1D,
      (tensors: tfjs.Tensor[]) => void,
    ];
    // Outputs: y, the moved averages (given the old ones and exponential_avg_factor), and three
    // reserve tensors (batch mean, biased batch variance, scratch) that the gradient op consumes.
    const [y, movedMean, movedVariance, reserve1, reserve2, reserve3] = backend.executeMultipleOutputs(
      'FusedBatchNormV3',
      forwardAttrs,
      [input, gamma, beta, bn.movingMean, bn.movingVariance],
      6,
    ) as [tfjs.Tensor4D, tfjs.Tensor1D, tfjs.Tensor1D, tfjs.Tensor, tfjs.Tensor, tfjs.Tensor];
    bn.movingMean.assign(movedMean);
    bn.movingVariance.assign(movedVariance);
    const value = relu ? (backend.executeSingleOutput('Relu', reluAttrs, [y]) as tfjs.Tensor4D) : y;
    save([input, gamma, reserve1, reserve2, reserve3, value]);
    return {
      value,
      gradFunc: (dy: tfjs.Tensor4D, saved: tfjs.Tensor[]) => {
        const [savedInput, savedGamma, saved1, saved2, saved3, output] = saved as [
          tfjs.Tensor,
          tfjs.Tensor,
          tfjs.Tensor,
          tfjs.Tensor,
          tfjs.Tensor,
          tfjs.Tensor,
        ];
        const dyNormalized = relu ? backend.executeSingleOutput('ReluGrad', reluAttrs, [dy, output]) : dy;
        const outputs = backend.executeMultipleOutputs(
          'FusedBatchNormGradV3',
          backwardAttrs,
          [dyNormalized, savedInput, savedGamma, saved1, saved2, saved3],
          5,
        );
        if (dyNormalized !== dy) dyNormalized.dispose();
        outputs[3]!.dispose();
        outputs[4]!.dispose();
        return outputs.slice(0, 3);
      },
    };
  });
  return op(x, bn.gamma, bn.beta) as tfjs.Tensor4D;
}

/** The same function from differentiable ops, for backends without raw TensorFlow ops. */
export function compositeBatchNormTraining(tf: Tf, x: tfjs.Tensor4D, bn: BatchNormVariables): tfjs.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const count = x.size / x.shape[3];
  const unbiased = tf.tidy(() => variance.mul(count / Math.max(count - 1, 1)));
  tf.tidy(() => {
    bn.movingMean.assign(bn.movingMean.mul(BATCH_NORM_MOMENTUM).add(mean.mul(1 - BATCH_NORM_MOMENTUM)));
    bn.movingVariance.assign(bn.movingVariance.mul(BATCH_NORM_MOMENTUM).add(unbiased.mul(1 - BATCH_NORM_MOMENTUM)));
  });
  unbiased.dispose();
  return tf.batchNorm4d(
    x,
    mean as tfjs.Tensor1D,
    variance as tfjs.Tensor1D,
    bn.beta as tfjs.Tensor1D,
    bn.gamma as tfjs.Tensor1D,
    BATCH_NORM_EPSILON,
  );
}
