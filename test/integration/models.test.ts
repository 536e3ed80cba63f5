import fs from 'node:fs';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../src-shared/model/ModelSpec.ts';
import { loadTensorflow, type TensorflowModule } from '../../src-main/services/tensorflow/loadTensorflow.ts';
import {
  BATCH_NORM_MOMENTUM,
  batchNormTraining,
  compositeBatchNormTraining,
} from '../../src-main/services/training/models/batchNorm.ts';
import { buildModel, reparameterize, type KwsModel } from '../../src-main/services/training/models/buildModel.ts';
import { nativeRelu } from '../../src-main/services/training/models/nativeRelu.ts';
import { tempDir } from '../support/tempDir.ts';

const shape: [number, number, 1] = [49, 10, 1];
const classes = 12;

const specs: Record<ModelSpec['kind'], ModelSpec> = {
  tiny_conv: { kind: 'tiny_conv', dropout: 0.5 },
  conv: { kind: 'conv', dropout: 0.5 },
  low_latency_conv: { kind: 'low_latency_conv', dropout: 0.5 },
  ds_cnn: {
    kind: 'ds_cnn',
    firstConv: { filters: 64, kernel: [10, 4], stride: [2, 2] },
    blocks: [64, 64, 64, 64],
    blockKernel: [3, 3],
    widthMultiplier: 1,
    dropout: 0.2,
  },
  rep_inception: {
    kind: 'rep_inception',
    firstConv: { filters: 24, kernel: [10, 4], stride: [2, 2] },
    blocks: [24, 32],
    branchKernels: [3, 5, 9],
    widthMultiplier: 1,
    dropout: 0.2,
  },
};

let tf: TensorflowModule;
beforeAll(async () => {
  tf = (await loadTensorflow()).tf;
});

function input(batch: number, seed: number): tfjs.Tensor4D {
  return tf.randomNormal([batch, ...shape], 0, 1, 'float32', seed) as tfjs.Tensor4D;
}

function maxDifference(a: tfjs.Tensor, b: tfjs.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** One plain SGD step on softmax cross-entropy; returns the loss. */
function sgdStep(model: KwsModel, x: tfjs.Tensor4D, labels: tfjs.Tensor2D, rate: number, seed: number): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, true, seed)) as tfjs.Scalar,
      model.trainable,
    );
    for (const variable of model.trainable) variable.assign(variable.sub(grads[variable.name]!.mul(rate)));
    return value.dataSync()[0]!;
  });
}

/** Moves every batch norm away from the identity: random γ, β, moving mean and variance. */
function randomizeBatchNorm(model: KwsModel, seed: number): void {
  const weights = model.getWeights();
  let n = 0;
  for (const [name, tensor] of weights) {
    const kind = name.match(/batch_norm\/(gamma|beta|moving_mean|moving_variance)$/)?.[1];
    if (!kind) continue;
    const random = tf.randomUniform(tensor.shape, 0, 1, 'float32', seed + n++);
    const value =
      kind === 'gamma'
        ? random.mul(1.5).add(0.25)
        : kind === 'moving_variance'
          ? random.mul(2).add(0.1)
          : random.sub(0.5);
    random.dispose();
    tensor.dispose();
    weights.set(name, value);
  }
  model.setWeights(weights);
  tf.dispose([...weights.values()]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('model zoo', () => {
  it('builds every kind with logits [batch, classes], stable names and seeded weights', () => {
    const x = input(3, 1);
    for (const spec of Object.values(specs)) {
      const model = buildModel(tf, spec, shape, classes, 7);
      const twin = buildModel(tf, spec, shape, classes, 7);
      const other = buildModel(tf, spec, shape, classes, 8);
      const logits = model.apply(x, false);
      expect(logits.shape).toEqual([3, classes]);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
      const names = model.trainable.map((v) => model.nameOf(v));
      expect(new Set(names).size).toBe(names.length);
      expect(twin.trainable.map((v) => twin.nameOf(v))).toEqual(names);
      // Same seed, same weights; another seed, other kernels.
      model.trainable.forEach((v, i) => expect(maxDifference(v, twin.trainable[i]!)).toBe(0));
      expect(maxDifference(model.prunable[0]!, other.prunable[0]!)).toBeGreaterThan(0);
      // Pruning acts on kernels only; state holds the BN moving statistics only.
      expect(model.prunable.map((v) => model.nameOf(v)).every((name) => name.endsWith('/kernel'))).toBe(true);
      expect(model.state.map((v) => model.nameOf(v)).every((name) => /moving_(mean|variance)$/.test(name))).toBe(true);
      expect(model.state.every((v) => !v.trainable) && model.trainable.every((v) => v.trainable)).toBe(true);
      logits.dispose();
      [model, twin, other].forEach((m) => m.dispose());
    }
    x.dispose();
    const ds = buildModel(tf, specs.ds_cnn, shape, classes, 1);
    expect([...ds.getWeights().keys()]).toEqual(
      expect.arrayContaining([
        'conv1/kernel',
        'block1/depthwise/kernel',
        'block4/pointwise/batch_norm/moving_variance',
        'fc/bias',
      ]),
    );
    expect(() => ds.apply(tf.zeros([1, 40, 10, 1]) as tfjs.Tensor4D, false)).toThrow(/\[batch, 49, 10, 1\]/);
    ds.dispose();
  });

  it('counts parameters and MACs as computed by hand', () => {
    const tiny = buildModel(tf, specs.tiny_conv, shape, classes, 1);
    // conv 8 × [10, 8] stride 2 SAME on 49×10 → 25×5×8; MACs 25·5·10·8·1·8; dense 1000 → 12.
    expect(tiny.stats()).toEqual({
      params: 10 * 8 * 8 + 8 + 1000 * 12 + 12,
      trainableParams: 12660,
      macs: 25 * 5 * 10 * 8 * 8 + 1000 * 12,
      sizeBytes: 12660 * 4,
    });
    tiny.dispose();
    const ds = buildModel(tf, specs.ds_cnn, shape, classes, 1);
    // conv 64 × [10, 4] stride 2 → 25×5×64; per block depthwise 3×3 and pointwise 64→64; BN 4 × 64 each.
    const blockParams = 3 * 3 * 64 + 64 * 64 + 2 * 4 * 64;
    expect(ds.stats()).toEqual({
      params: 10 * 4 * 64 + 4 * 64 + 4 * blockParams + 64 * 12 + 12,
      trainableParams: 10 * 4 * 64 + 4 * 64 + 4 * blockParams + 64 * 12 + 12 - 9 * 2 * 64,
      macs: 25 * 5 * 10 * 4 * 64 + 4 * (25 * 5 * 9 * 64 + 25 * 5 * 64 * 64) + 64 * 12,
      sizeBytes: (10 * 4 * 64 + 4 * 64 + 4 * blockParams + 64 * 12 + 12) * 4,
    });
    ds.dispose();
    const narrow = buildModel(
      tf,
      { ...specs.ds_cnn, kind: 'ds_cnn', blocks: [90, 45, 45], widthMultiplier: 0.5 } as ModelSpec,
      shape,
      classes,
      1,
    );
    expect(narrow.getWeights().get('block1/pointwise/kernel')!.shape).toEqual([1, 1, 32, 45]);
    expect(narrow.getWeights().get('block3/pointwise/kernel')!.shape).toEqual([1, 1, 23, 23]);
    narrow.dispose();
  });

  it('trains inside tf.variableGrads: native fused batch norm and ReLU match their composite gradients', () => {
    const make = (name: string) => ({
      gamma: tf.variable(tf.randomUniform([6], 0.5, 1.5, 'float32', 1), true, `${name}/gamma`),
      beta: tf.variable(tf.randomUniform([6], -0.5, 0.5, 'float32', 2), true, `${name}/beta`),
      movingMean: tf.variable(tf.zeros([6]), false, `${name}/mean`),
      movingVariance: tf.variable(tf.ones([6]), false, `${name}/variance`),
    });
    const native = make('bn_native');
    const composite = make('bn_composite');
    const x = tf.randomNormal([8, 5, 4, 6], 2, 3, 'float32', 3) as tfjs.Tensor4D;
    const weights = tf.randomNormal([8, 5, 4, 6], 0, 1, 'float32', 4);
    const run = (f: (x: tfjs.Tensor4D) => tfjs.Tensor4D, bn: typeof native) => {
      const { value, grads } = tf.variableGrads(() => f(x).mul(weights).sum() as tfjs.Scalar, [bn.gamma, bn.beta]);
      const dx = tf.grad((input: tfjs.Tensor) =>
        f(input as tfjs.Tensor4D)
          .mul(weights)
          .sum(),
      )(x);
      return { value, dGamma: grads[bn.gamma.name]!, dBeta: grads[bn.beta.name]!, dx };
    };
    const a = run((t) => batchNormTraining(tf, t, native, true), native);
    const b = run((t) => tf.relu(compositeBatchNormTraining(tf, t, composite)), composite);
    expect(Math.abs(a.value.dataSync()[0]! - b.value.dataSync()[0]!)).toBeLessThan(1e-3);
    expect(maxDifference(a.dGamma, b.dGamma)).toBeLessThan(1e-3);
    expect(maxDifference(a.dBeta, b.dBeta)).toBeLessThan(1e-3);
    expect(maxDifference(a.dx, b.dx)).toBeLessThan(1e-4);
    // Both ran twice (variableGrads, grad): moving averages moved by the momentum each time, alike.
    expect(maxDifference(native.movingMean, composite.movingMean)).toBeLessThan(1e-5);
    expect(maxDifference(native.movingVariance, composite.movingVariance)).toBeLessThan(1e-5);
    const { mean } = tf.moments(x, [0, 1, 2]);
    expect(maxDifference(native.movingMean, mean.mul(1 - BATCH_NORM_MOMENTUM ** 2))).toBeLessThan(1e-5);
    const reluGrad = tf.grad((t: tfjs.Tensor) => nativeRelu(tf, t).mul(weights).sum())(x);
    expect(maxDifference(reluGrad, tf.grad((t: tfjs.Tensor) => tf.relu(t).mul(weights).sum())(x))).toBe(0);
    tf.dispose([
      x,
      weights,
      mean,
      reluGrad,
      ...Object.values(native),
      ...Object.values(composite),
      ...Object.values(a),
      ...Object.values(b),
    ]);
  });

  it('learns a toy problem with plain SGD, moves BN averages, seeds dropout and leaks no tensors', () => {
    const spec: ModelSpec = {
      ...specs.ds_cnn,
      kind: 'ds_cnn',
      firstConv: { filters: 16, kernel: [10, 4], stride: [2, 2] },
      blocks: [16, 16],
      dropout: 0,
    } as ModelSpec;
    const model = buildModel(tf, spec, shape, 3, 3);
    const count = 48;
    const labelIndex = tf.range(0, count, 1, 'int32').mod(tf.scalar(3, 'int32'));
    const x = tf.tidy(() => {
      const rows = tf.linspace(0, 2, 49).reshape([1, 49, 1, 1]);
      const centre = labelIndex.toFloat().reshape([count, 1, 1, 1]);
      return tf
        .exp(rows.sub(centre).square().mul(-8))
        .tile([1, 1, 10, 1])
        .add(tf.randomNormal([count, 49, 10, 1], 0, 0.05, 'float32', 3));
    }) as tfjs.Tensor4D;
    const labels = tf.oneHot(labelIndex, 3) as tfjs.Tensor2D;
    const before = tf.memory().numTensors;
    const losses = Array.from({ length: 25 }, (_, step) => sgdStep(model, x, labels, 0.1, step));
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
    const movingMean = model.state.find((v) => model.nameOf(v) === 'conv1/batch_norm/moving_mean')!;
    expect(tf.tidy(() => movingMean.abs().max().dataSync()[0]!)).toBeGreaterThan(0);
    // The averages lag the weights for many steps, so judge the batch-statistics mode.
    const logits = model.apply(x, true);
    const accuracy = tf.tidy(() => logits.argMax(1).equal(labelIndex).mean().dataSync()[0]!);
    expect(accuracy).toBeGreaterThan(0.9);

    const tiny = buildModel(tf, specs.tiny_conv, shape, 3, 1);
    const [a, b, c, inference] = [
      tiny.apply(x, true, 5),
      tiny.apply(x, true, 5),
      tiny.apply(x, true, 6),
      tiny.apply(x, false),
    ];
    expect(maxDifference(a, b)).toBe(0);
    expect(maxDifference(a, c)).toBeGreaterThan(0);
    expect(maxDifference(a, inference)).toBeGreaterThan(0);
    tf.dispose([a, b, c, inference, logits, x, labels, labelIndex]);
    tiny.dispose();
    model.dispose();
  });

  it('round-trips weights through getWeights/setWeights and rejects weights of another shape', () => {
    const a = buildModel(tf, specs.ds_cnn, shape, classes, 1);
    const b = buildModel(tf, specs.ds_cnn, shape, classes, 2);
    randomizeBatchNorm(a, 10);
    const x = input(2, 4);
    const weights = a.getWeights();
    b.setWeights(weights);
    expect(maxDifference(a.apply(x, false), b.apply(x, false))).toBe(0);
    const wrong = new Map(weights);
    wrong.delete('fc/bias');
    expect(() => b.setWeights(wrong)).toThrow(/missing \[fc\/bias\]/);
    const other = buildModel(tf, { ...specs.ds_cnn, blocks: [64, 64, 64, 32] } as ModelSpec, shape, classes, 1);
    expect(() => other.setWeights(weights)).toThrow(/block4\/pointwise\/kernel has shape \[1, 1, 64, 64\]/);
    tf.dispose([x, ...weights.values()]);
    [a, b, other].forEach((m) => m.dispose());
  });
});

describe('tfjs-layers export', () => {
  const dir = tempDir('kws-models-');

  it('predicts what apply(x, false) computes, for every kind, and saves as a TF.js model', async () => {
    const x = input(4, 9);
    for (const spec of Object.values(specs)) {
      const model = buildModel(tf, spec, shape, classes, 5);
      randomizeBatchNorm(model, 20);
      sgdStep(model, x, tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), classes) as tfjs.Tensor2D, 0.01, 1);
      const layers = model.toLayersModel();
      const expected = model.apply(x, false);
      const predicted = layers.predict(x) as tfjs.Tensor;
      expect(predicted.shape).toEqual([4, classes]);
      expect(maxDifference(predicted, expected), spec.kind).toBeLessThan(1e-5);
      const target = path.join(dir, spec.kind);
      await layers.save(`file://${target}`);
      expect(fs.existsSync(path.join(target, 'model.json')) && fs.existsSync(path.join(target, 'weights.bin'))).toBe(
        true,
      );
      const loaded = await tf.loadLayersModel(`file://${path.join(target, 'model.json')}`);
      expect(maxDifference(loaded.predict(x) as tfjs.Tensor, expected), `${spec.kind} reloaded`).toBeLessThan(1e-5);
      tf.dispose([expected, predicted]);
      layers.dispose();
      loaded.dispose();
      model.dispose();
    }
    x.dispose();
  });
});

describe('rep_inception reparameterization', () => {
  it('folds branches into one kernel per direction with the same outputs, fewer MACs and faster inference', async () => {
    const model = buildModel(tf, specs.rep_inception, shape, classes, 11);
    const x = input(16, 12);
    const labels = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 16 }, (_, i) => i % classes),
        'int32',
      ),
      classes,
    ) as tfjs.Tensor2D;
    for (let step = 0; step < 3; step++) sgdStep(model, x, labels, 0.05, step);
    randomizeBatchNorm(model, 30);
    const merged = reparameterize(tf, model);
    expect(merged.reparameterized).toBe(true);
    expect([...merged.getWeights().keys()]).toEqual(
      expect.arrayContaining(['block1/merged_1x9/kernel', 'block1/merged_9x1/bias', 'block2/pointwise/kernel']),
    );
    expect(merged.getWeights().get('block2/merged_9x1/kernel')!.shape).toEqual([9, 1, 24, 1]);
    const expected = model.apply(x, false);
    const actual = merged.apply(x, false);
    expect(tf.tidy(() => tf.abs(expected).max().dataSync()[0]!)).toBeGreaterThan(0.1);
    expect(maxDifference(actual, expected)).toBeLessThan(1e-4);
    const layers = merged.toLayersModel();
    expect(maxDifference(layers.predict(x) as tfjs.Tensor, expected)).toBeLessThan(1e-4);
    // Per block (2) and direction (2) the 3-, 5- and 9-tap branches over 25×5×24 become one 9-tap kernel.
    const before = model.stats();
    const after = merged.stats();
    expect(before.macs - after.macs).toBe(2 * 2 * 25 * 5 * 24 * (3 + 5 + 9 - 9));
    expect(after.params).toBeLessThan(before.params);
    expect(() => reparameterize(tf, merged)).toThrow(/already/);

    // Batch-1 inference, alternating the two models so machine load hits both alike.
    const one = input(1, 13);
    const timeOnce = (m: KwsModel) => {
      const start = performance.now();
      tf.tidy(() => m.apply(one, false).dataSync());
      return performance.now() - start;
    };
    for (let i = 0; i < 20; i++) {
      timeOnce(model);
      timeOnce(merged);
    }
    const multiTimes: number[] = [];
    const mergedTimes: number[] = [];
    for (let i = 0; i < 150; i++) {
      multiTimes.push(timeOnce(model));
      mergedTimes.push(timeOnce(merged));
    }
    expect(median(mergedTimes)).toBeLessThan(median(multiTimes));
    tf.dispose([x, labels, one, expected, actual]);
    [model, merged].forEach((m) => m.dispose());
    layers.dispose();
  });
});
