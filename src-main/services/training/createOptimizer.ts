import type { OptimizerSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import { createCompositeOptimizer } from './createCompositeOptimizer.ts';
import { createNativeOptimizer } from './createNativeOptimizer.ts';
import { nativeBackend } from './models/nativeBackend.ts';
import type { Optimizer } from './Optimizer.ts';

/**
 * SGD with (Nesterov) momentum, Adam and AdamW as Keras defines them, with the learning rate free to
 * change every step and slots that checkpoint and restore exactly: TensorFlow's fused kernels on the
 * native backend, plain tfjs ops otherwise.
 */
export function createOptimizer(tf: TensorflowModule, spec: OptimizerSpec): Optimizer {
  const backend = nativeBackend(tf);
  return backend ? createNativeOptimizer(tf, backend, spec) : createCompositeOptimizer(tf, spec);
}
