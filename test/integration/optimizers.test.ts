import { describe, expect, it } from 'vitest';
import type { OptimizerSpec } from '../../src-shared/model/TrainSpec.ts';
import { createCompositeOptimizer } from '../../src-main/services/training/createCompositeOptimizer.ts';
import { createNativeOptimizer } from '../../src-main/services/training/createNativeOptimizer.ts';
import { nativeBackend } from '../../src-main/services/training/models/nativeBackend.ts';
import type { Optimizer } from '../../src-main/services/training/Optimizer.ts';
import { loadTensorflow, type TensorflowModule } from '../../src-main/services/tensorflow/loadTensorflow.ts';

type Factory = (tf: TensorflowModule, spec: OptimizerSpec) => Optimizer;

const implementations: [string, Factory][] = [
  ['composite tfjs ops', createCompositeOptimizer],
  [
    "TensorFlow's fused kernels",
    (tf, spec) => {
      const backend = nativeBackend(tf);
      if (!backend) throw new Error('the native TensorFlow backend is not loaded');
      return createNativeOptimizer(tf, backend, spec);
    },
  ],
];

const g1 = [0.5, -1];
const g2 = [0.25, 2];
const adamSpec: OptimizerSpec = { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/** Update rules by hand (Keras's forms), two steps on w = [1, -2] with gradients g1, g2 at rate 0.1. */
const momentumByHand = (nesterov: boolean) =>
  [1, -2].map((w0, i) => {
    let v = 0;
    let w = w0;
    for (const g of [g1[i]!, g2[i]!]) {
      v = 0.9 * v - 0.1 * g;
      w = nesterov ? w + 0.9 * v - 0.1 * g : w + v;
    }
    return w;
  });
const adamByHand = (decay: number) =>
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

describe.each(implementations)('optimizers: %s', (_name, create) => {
  async function run(spec: OptimizerSpec, gradients = [g1, g2]): Promise<number[]> {
    const { tf } = await loadTensorflow();
    const w = tf.variable(tf.tensor1d([1, -2]), true, `w-${Math.random()}`);
    const optimizer = create(tf, spec);
    for (const g of gradients) {
      const gradient = tf.tensor1d(g);
      optimizer.apply([w], [gradient], 0.1);
      gradient.dispose();
    }
    const values = Array.from(w.dataSync());
    optimizer.dispose();
    w.dispose();
    return values;
  }

  it('plain SGD, SGD with momentum and with Nesterov momentum', async () => {
    (await run({ kind: 'sgd', momentum: 0, nesterov: false })).forEach((value, i) =>
      expect(value).toBeCloseTo([1, -2][i]! - 0.1 * (g1[i]! + g2[i]!), 6),
    );
    (await run({ kind: 'sgd', momentum: 0.9, nesterov: false })).forEach((value, i) =>
      expect(value).toBeCloseTo(momentumByHand(false)[i]!, 6),
    );
    (await run({ kind: 'sgd', momentum: 0.9, nesterov: true })).forEach((value, i) =>
      expect(value).toBeCloseTo(momentumByHand(true)[i]!, 6),
    );
  });

  it('Adam with bias correction, and AdamW decaying weights apart from the gradient', async () => {
    (await run(adamSpec)).forEach((value, i) => expect(value).toBeCloseTo(adamByHand(0)[i]!, 4));
    (await run({ ...adamSpec, kind: 'adamw', weightDecay: 0.01 })).forEach((value, i) =>
      expect(value).toBeCloseTo(adamByHand(0.01)[i]!, 4),
    );
  });

  it('a checkpointed state resumes exactly where it stopped, and values read earlier never change', async () => {
    const { tf } = await loadTensorflow();
    const w = tf.variable(tf.tensor1d([1, -2]), true, `w-${Math.random()}`);
    const first = create(tf, adamSpec);
    const gradient1 = tf.tensor1d(g1);
    first.apply([w], [gradient1], 0.1);
    const state = first.state();
    expect([...state.keys()].sort()).toEqual([`${w.name}/m`, `${w.name}/v`, 'step'].sort());
    const before = w.clone();
    const snapshot = Array.from(before.dataSync());
    first.dispose();

    // A new optimizer from the checkpoint, and the weights restored as trainRun does (a new tensor).
    const second = create(tf, adamSpec);
    second.setState(state);
    state.forEach((tensor) => tensor.dispose());
    w.assign(tf.tensor1d(snapshot));
    const gradient2 = tf.tensor1d(g2);
    second.apply([w], [gradient2], 0.1);
    Array.from(w.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(adamByHand(0)[i]!, 4));
    expect(Array.from(before.dataSync())).toEqual(snapshot);

    // A tensor read from the weights keeps its values through the next update.
    const held = w.clone();
    const heldValues = Array.from(held.dataSync());
    second.apply([w], [gradient2], 0.1);
    expect(Array.from(held.dataSync())).toEqual(heldValues);
    expect(Array.from(w.dataSync())).not.toEqual(heldValues);

    // A change to the tfjs variable between steps (a pruning mask) reaches the next update.
    w.assign(tf.tensor1d([0, 0]));
    second.apply([w], [gradient2], 0.1);
    expect(Math.abs(w.dataSync()[0]!)).toBeLessThan(0.2);
    tf.dispose([gradient1, gradient2, before, held, w]);
    second.dispose();
  });
});
