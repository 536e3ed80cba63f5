import type * as tfjs from '@tensorflow/tfjs-node';
import type { Tf } from './ModelLayer.ts';
import { floatTypeAttr, nativeBackend } from './nativeBackend.ts';

/**
 * ReLU whose gradient is TensorFlow's ReluGrad. tfjs differentiates relu as dy·step(x), and
 * tfjs-node builds `step` from five ops (IsNan, Greater, Fill, Select twice) over the whole
 * activation: over a third of a DS-CNN training step's kernel time went there.
 */
export function nativeRelu<T extends tfjs.Tensor>(tf: Tf, x: T): T {
  const backend = nativeBackend(tf);
  if (!backend) return tf.relu(x);
  const attrs = [floatTypeAttr(backend)];
  const op = tf.customGrad((...args: unknown[]) => {
    const [input, save] = args as [T, (tensors: tfjs.Tensor[]) => void];
    const y = backend.executeSingleOutput('Relu', attrs, [input]) as T;
    save([y]);
    // ReluGrad passes dy where its "features" are positive; relu's output is positive exactly there.
    return {
      value: y,
      gradFunc: (dy: T, saved: tfjs.Tensor[]) => backend.executeSingleOutput('ReluGrad', attrs, [dy, saved[0]!]),
    };
  });
  return op(x) as T;
}
