import { describe, expect, it } from 'vitest';
import { createOptimizer } from '../../src-main/services/training/createOptimizer.ts';
import { loadTensorflow } from '../../src-main/services/tensorflow/loadTensorflow.ts';

/** Two steps of each optimizer on w = [1, -2] with gradients g1, g2, against the update rules by hand (Keras's forms). */
describe('optimizers', () => {
  const g1 = [0.5, -1];
  const g2 = [0.25, 2];

  async function run(spec: Parameters<typeof createOptimizer>[1], rate = 0.1): Promise<number[]> {
    const { tf } = await loadTensorflow();
    const w = tf.variable(tf.tensor1d([1, -2]), true, `w-${Math.random()}`);
    const optimizer = createOptimizer(tf, spec);
    for (const g of [g1, g2]) {
      const gradient = tf.tensor1d(g);
      optimizer.apply([w], [gradient], rate);
      gradient.dispose();
    }
    const values = Array.from(w.dataSync());
    optimizer.dispose();
    w.dispose();
    return values;
  }

  it('SGD with momentum and with Nesterov momentum', async () => {
    const momentum = (nesterov: boolean) =>
      [1, -2].map((w0, i) => {
        let v = 0;
        let w = w0;
        for (const g of [g1[i]!, g2[i]!]) {
          v = 0.9 * v - 0.1 * g;
          w = nesterov ? w + 0.9 * v - 0.1 * g : w + v;
        }
        return w;
      });
    (await run({ kind: 'sgd', momentum: 0.9, nesterov: false })).forEach((value, i) => expect(value).toBeCloseTo(momentum(false)[i]!, 6));
    (await run({ kind: 'sgd', momentum: 0.9, nesterov: true })).forEach((value, i) => expect(value).toBeCloseTo(momentum(true)[i]!, 6));
  });

  it('Adam with bias correction, and AdamW decaying weights apart from the gradient', async () => {
    const adam = (decay: number) =>
      [1, -2].map((w0, i) => {
        let m = 0;
        let v = 0;
        let w = w0;
        [g1[i]!, g2[i]!].forEach((g, step) => {
          m = 0.9 * m + 0.1 * g;
          v = 0.999 * v + 0.001 * g * g;
          const mHat = m / (1 - 0.9 ** (step + 1));
          const vHat = v / (1 - 0.999 ** (step + 1));
          w = w - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-7) - 0.1 * decay * w;
        });
        return w;
      });
    (await run({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 })).forEach((value, i) => expect(value).toBeCloseTo(adam(0)[i]!, 4));
    (await run({ kind: 'adamw', beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.01 })).forEach((value, i) => expect(value).toBeCloseTo(adam(0.01)[i]!, 4));
  });
});
