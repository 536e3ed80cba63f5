import type * as tfjs from '@tensorflow/tfjs-node';
import type { OptimizerSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import { floatTypeAttr, type NativeBackend, type OpAttr } from './models/nativeBackend.ts';
import type { Optimizer } from './Optimizer.ts';
import { OptimizerSlots } from './OptimizerSlots.ts';
import { ResourceVariable } from './ResourceVariable.ts';

interface Mirror {
  resource: ResourceVariable;
  /** The tfjs data last written back; anything else in the tfjs variable (a restore, a pruning mask) is copied in first. */
  written: object;
}

/**
 * The same updates as createCompositeOptimizer (Keras's forms), each one TensorFlow kernel per
 * variable — ResourceApplyAdam, ResourceApplyKerasMomentum, ResourceApplyGradientDescent — instead
 * of a dozen element-wise tfjs ops: a DS-CNN has 29 variables, so Adam was 348 native calls a step,
 * 15 % of a training step. The kernels update resource variables, so each tfjs variable has a
 * resource mirror, updated in place and read back after every step.
 */
export function createNativeOptimizer(tf: TensorflowModule, backend: NativeBackend, spec: OptimizerSpec): Optimizer {
  const bool = (name: string, value: boolean): OpAttr => ({ name, type: backend.binding.TF_ATTR_BOOL, value });
  const attrs = [
    floatTypeAttr(backend),
    bool('use_locking', false),
    bool('use_nesterov', spec.kind === 'sgd' && spec.nesterov),
  ];
  const gradientDescentAttrs = attrs.slice(0, 2);
  const slots = new OptimizerSlots(
    tf,
    (_key, initial) => new ResourceVariable(tf, backend, initial.shape, initial),
    (slot) => slot.read(),
  );
  const mirrors = new Map<tfjs.Variable, Mirror>();

  const mirrorOf = (variable: tfjs.Variable): Mirror => {
    let found = mirrors.get(variable);
    if (!found)
      mirrors.set(
        variable,
        (found = { resource: new ResourceVariable(tf, backend, variable.shape, variable), written: variable.dataId }),
      );
    else if (found.written !== variable.dataId) found.resource.assign(variable);
    return found;
  };
  const update = (kernel: string, inputs: tfjs.Tensor[], kernelAttrs = attrs) =>
    backend.executeMultipleOutputs(kernel, kernelAttrs, inputs, 0);

  return {
    apply(variables, gradients, rate) {
      const step = ++slots.step;
      tf.tidy(() => {
        const lr = tf.scalar(rate);
        const adam =
          spec.kind === 'sgd'
            ? null
            : [spec.beta1 ** step, spec.beta2 ** step, rate, spec.beta1, spec.beta2, spec.epsilon].map((value) =>
                tf.scalar(value),
              );
        const momentum = spec.kind === 'sgd' ? tf.scalar(spec.momentum) : null;
        variables.forEach((variable, i) => {
          const gradient = gradients[i]!;
          const mirror = mirrorOf(variable);
          const target = mirror.resource.input;
          if (spec.kind === 'adamw' && spec.weightDecay > 0)
            mirror.resource.assign(variable.sub(variable.mul(rate * spec.weightDecay)));
          // Inputs as the kernels define them: var, slots, then beta1^t, beta2^t, lr, beta1, beta2, epsilon, grad for Adam.
          if (adam)
            update('ResourceApplyAdam', [
              target,
              slots.get(variable, 'm').input,
              slots.get(variable, 'v').input,
              ...adam,
              gradient,
            ]);
          else if (spec.kind === 'sgd' && spec.momentum > 0)
            update('ResourceApplyKerasMomentum', [
              target,
              slots.get(variable, 'velocity').input,
              lr,
              gradient,
              momentum!,
            ]);
          else update('ResourceApplyGradientDescent', [target, lr, gradient], gradientDescentAttrs);
          variable.assign(mirror.resource.read());
          mirror.written = variable.dataId;
        });
      });
    },
    state: () => slots.state(),
    setState: (state) => slots.setState(state),
    dispose() {
      slots.dispose();
      for (const mirror of mirrors.values()) mirror.resource.dispose();
      mirrors.clear();
    },
  };
}
