import type { OptimizerSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import type { Optimizer } from './Optimizer.ts';
import { OptimizerSlots } from './OptimizerSlots.ts';

/**
 * SGD with (Nesterov) momentum, Adam and AdamW written with plain tfjs ops, as Keras defines them:
 * the optimizer of the pure-JavaScript backend, and the reference the native one is tested against.
 */
export function createCompositeOptimizer(tf: TensorflowModule, spec: OptimizerSpec): Optimizer {
  // tf.variable keeps its own reference to the initial value's data.
  const slots = new OptimizerSlots(
    tf,
    (key, initial) => tf.variable(initial, false, `opt/${key}`),
    (slot) => slot.clone(),
  );

  return {
    apply(variables, gradients, rate) {
      const step = ++slots.step;
      tf.tidy(() => {
        variables.forEach((variable, i) => {
          const gradient = gradients[i]!;
          if (spec.kind === 'sgd') {
            if (spec.momentum === 0) {
              variable.assign(variable.sub(gradient.mul(rate)));
              return;
            }
            const velocity = slots.get(variable, 'velocity');
            const next = velocity.mul(spec.momentum).sub(gradient.mul(rate));
            velocity.assign(next);
            variable.assign(
              spec.nesterov ? variable.add(next.mul(spec.momentum)).sub(gradient.mul(rate)) : variable.add(next),
            );
            return;
          }
          const m = slots.get(variable, 'm');
          const v = slots.get(variable, 'v');
          const mNext = m.mul(spec.beta1).add(gradient.mul(1 - spec.beta1));
          const vNext = v.mul(spec.beta2).add(gradient.square().mul(1 - spec.beta2));
          m.assign(mNext);
          v.assign(vNext);
          const corrected = (rate * Math.sqrt(1 - spec.beta2 ** step)) / (1 - spec.beta1 ** step);
          let updated = variable.sub(mNext.mul(corrected).div(vNext.sqrt().add(spec.epsilon)));
          // AdamW: weight decay decoupled from the gradient (Loshchilov & Hutter), scaled by the rate as Keras does.
          if (spec.kind === 'adamw' && spec.weightDecay > 0)
            updated = updated.sub(variable.mul(rate * spec.weightDecay));
          variable.assign(updated);
        });
      });
    },
    state: () => slots.state(),
    setState: (state) => slots.setState(state),
    dispose: () => slots.dispose(),
  };
}
