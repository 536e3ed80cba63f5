import { describe, expect, it } from 'vitest';
import { loadTensorflow } from '../../src-main/services/tensorflow/loadTensorflow.ts';

// This test must fail, never skip, when the native backend is missing: a studio that trains on the
// pure-JavaScript backend is not usable, and CI has to say so.
describe('native TensorFlow', () => {
  it('loads the native tfjs-node backend', async () => {
    const loaded = await loadTensorflow();
    expect(loaded.problem).toBeUndefined();
    expect(loaded.backend).toBe('tensorflow');
    expect(loaded.native).toBe(true);
    expect(loaded.tensorflowVersion).toMatch(/^2\.\d+/);
  });

  it('trains a tiny conv model for a few steps and the loss goes down', async () => {
    const { tf } = await loadTensorflow();
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [49, 10, 1],
          filters: 8,
          kernelSize: [10, 4],
          strides: [2, 2],
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({
          units: 3,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    // Three classes that differ by where the energy sits: learnable in a few steps.
    const count = 96;
    const xs = tf.tidy(() => {
      const labels = tf.range(0, count, 1, 'int32').mod(tf.scalar(3, 'int32'));
      const rows = tf.linspace(0, 2, 49).reshape([1, 49, 1, 1]);
      const centre = labels.toFloat().reshape([count, 1, 1, 1]);
      return tf
        .exp(rows.sub(centre).square().mul(-8))
        .tile([1, 1, 10, 1])
        .add(tf.randomNormal([count, 49, 10, 1], 0, 0.05, 'float32', 3));
    });
    const ys = tf.tidy(() => tf.oneHot(tf.range(0, count, 1, 'int32').mod(tf.scalar(3, 'int32')), 3));
    const history = await model.fit(xs, ys, { epochs: 6, batchSize: 32, shuffle: false, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(tf.getBackend()).toBe('tensorflow');
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
