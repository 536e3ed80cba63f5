import type { OptimizerSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import type { Optimizer } from './Optimizer.ts';

type Tf = TensorflowModule;
type Variable = ReturnType<Tf['variable']>;
type Tensor = ReturnType<Tf['tensor']>;

/**
 * SGD with (Nesterov) momentum, Adam and AdamW written with plain tfjs ops, as Keras defines them:
 * the optimizer of the pure-JavaScript backend, and the reference the native one is tested against.
 */
export function createCompositeOptimizer(tf: Tf, spec: OptimizerSpec): Optimizer {
  const slots = new Map<string, Variable>();
  let step = 0;
  const slot = (variable: Variable, name: string): Variable => {
    const key = `${variable.name}/${name}`;
    let found = slots.get(key);
    if (!found) slots.set(key, (found = tf.variable(tf.zerosLike(variable), false, `opt/${key}`)));
    return found;
  };

  return {
    apply(variables, gradients, rate) {
      step++;
      tf.tidy(() => {
        variables.forEach((variable, i) => {
          const gradient = gradients[i]!;
          if (spec.kind === 'sgd') {
            if (spec.momentum === 0) {
              variable.assign(variable.sub(gradient.mul(rate)));
              return;
            }
            const velocity = slot(variable, 'velocity');
            const next = velocity.mul(spec.momentum).sub(gradient.mul(rate));
            velocity.assign(next);
            variable.assign(spec.nesterov ? variable.add(next.mul(spec.momentum)).sub(gradient.mul(rate)) : variable.add(next));
            return;
          }
          const m = slot(variable, 'm');
          const v = slot(variable, 'v');
          const mNext = m.mul(spec.beta1).add(gradient.mul(1 - spec.beta1));
          const vNext = v.mul(spec.beta2).add(gradient.square().mul(1 - spec.beta2));
          m.assign(mNext);
          v.assign(vNext);
          const corrected = (rate * Math.sqrt(1 - spec.beta2 ** step)) / (1 - spec.beta1 ** step);
          let updated = variable.sub(mNext.mul(corrected).div(vNext.sqrt().add(spec.epsilon)));
          // AdamW: weight decay decoupled from the gradient (Loshchilov & Hutter), scaled by the rate as Keras does.
          if (spec.kind === 'adamw' && spec.weightDecay > 0) updated = updated.sub(variable.mul(rate * spec.weightDecay));
          variable.assign(updated);
        });
      });
    },
    state() {
      const state = new Map<string, Tensor>([...slots].map(([key, variable]) => [key, variable.clone()]));
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
        else slots.set(key, tf.variable(value.clone(), false, `opt/${key}`));
      }
    },
    dispose() {
      for (const variable of slots.values()) variable.dispose();
      slots.clear();
    },
  };
}
