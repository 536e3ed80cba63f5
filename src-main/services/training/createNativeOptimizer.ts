import type * as tfjs from '@tensorflow/tfjs-node';
import type { OptimizerSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import { floatTypeAttr, type NativeBackend, type OpAttr } from './models/nativeBackend.ts';
import type { Optimizer } from './Optimizer.ts';
import { ResourceVariable } from './ResourceVariable.ts';

interface Mirror {
  variable: ResourceVariable;
  /** The tfjs tensor last written back; anything else in the tfjs variable (a restore, a pruning mask) is copied in first. */
  written: object | null;
}

/**
 * The same updates as createCompositeOptimizer (Keras's forms), each one TensorFlow kernel per
 * variable — ResourceApplyAdam, ResourceApplyKerasMomentum, ResourceApplyGradientDescent — instead
 * of a dozen element-wise tfjs ops: a DS-CNN has 29 variables, so Adam was 348 native calls a step,
 * 15 % of a training step. The kernels update resource variables, so each tfjs variable has a
 * resource mirror, updated in place and read back after every step.
 */
export function createNativeOptimizer(tf: TensorflowModule, backend: NativeBackend, spec: OptimizerSpec): Optimizer {
  const { binding } = backend;
  const bool = (name: string, value: boolean): OpAttr => ({ name, type: binding.TF_ATTR_BOOL, value });
  const mirrors = new Map<tfjs.Variable, Mirror>();
  const slots = new Map<string, ResourceVariable>();
  let step = 0;

  const mirror = (variable: tfjs.Variable): ResourceVariable => {
    let found = mirrors.get(variable);
    if (!found) mirrors.set(variable, (found = { variable: new ResourceVariable(tf, backend, variable.shape, variable), written: variable.dataId }));
    else if (found.written !== variable.dataId) found.variable.assign(variable);
    return found.variable;
  };
  const slot = (variable: tfjs.Variable, name: string): ResourceVariable => {
    const key = `${variable.name}/${name}`;
    let found = slots.get(key);
    if (!found) {
      const zeros = tf.zerosLike(variable);
      slots.set(key, (found = new ResourceVariable(tf, backend, variable.shape, zeros)));
      zeros.dispose();
    }
    return found;
  };
  const run = (name: string, inputs: tfjs.Tensor[], nesterov?: boolean) => {
    const attrs = [floatTypeAttr(backend), bool('use_locking', false)];
    if (nesterov !== undefined) attrs.push(bool('use_nesterov', nesterov));
    backend.executeMultipleOutputs(name, attrs, inputs, 0);
  };

  return {
    apply(variables, gradients, rate) {
      step++;
      tf.tidy(() => {
        const scalar = (value: number) => tf.scalar(value);
        const lr = scalar(rate);
        const adam = spec.kind === 'sgd' ? null : { beta1Power: scalar(spec.beta1 ** step), beta2Power: scalar(spec.beta2 ** step), beta1: scalar(spec.beta1), beta2: scalar(spec.beta2), epsilon: scalar(spec.epsilon) };
        const momentum = spec.kind === 'sgd' ? scalar(spec.momentum) : null;
        variables.forEach((variable, i) => {
          const gradient = gradients[i]!;
          const target = mirror(variable);
          if (spec.kind === 'adamw' && spec.weightDecay > 0) target.assign(variable.sub(variable.mul(rate * spec.weightDecay)));
          if (adam) {
            const { beta1Power, beta2Power, beta1, beta2, epsilon } = adam;
            run('ResourceApplyAdam', [target.input, slot(variable, 'm').input, slot(variable, 'v').input, beta1Power, beta2Power, lr, beta1, beta2, epsilon, gradient], false);
          } else if (spec.kind === 'sgd' && spec.momentum > 0) {
            run('ResourceApplyKerasMomentum', [target.input, slot(variable, 'velocity').input, lr, gradient, momentum!], spec.nesterov);
          } else {
            run('ResourceApplyGradientDescent', [target.input, lr, gradient]);
          }
          variable.assign(target.read());
          mirrors.get(variable)!.written = variable.dataId;
        });
      });
    },
    state() {
      const state = new Map<string, tfjs.Tensor>([...slots].map(([key, variable]) => [key, variable.read()]));
      state.set('step', tf.scalar(step));
      return state;
    },
    setState(state) {
      for (const [key, value] of state) {
        if (key === 'step') {
          step = value.dataSync()[0]!;
          continue;
        }
        const existing = slots.get(key);
        if (existing) existing.assign(value);
        else slots.set(key, new ResourceVariable(tf, backend, value.shape, value));
      }
    },
    dispose() {
      for (const resource of [...slots.values(), ...[...mirrors.values()].map((found) => found.variable)]) resource.dispose();
      slots.clear();
      mirrors.clear();
    },
  };
}
