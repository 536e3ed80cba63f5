import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPruner } from '../../src-main/services/optimize/createPruner.ts';
import { keptWeightCount } from '../../src-main/services/optimize/keptWeightCount.ts';
import { magnitudeMask } from '../../src-main/services/optimize/magnitudeMask.ts';
import { constantSparsity, polynomialDecay, pruningSchedule } from '../../src-shared/training/pruningSchedule.ts';
import { loadTensorflow, type TensorflowModule } from '../../src-main/services/tensorflow/loadTensorflow.ts';

let tf: TensorflowModule;
beforeAll(async () => {
  ({ tf } = await loadTensorflow());
});

// + 0 turns the −0 of a masked negative weight into 0: both are an exact zero.
const values = (tensor: Tensor): number[] => Array.from(tensor.dataSync(), (value) => value + 0);
/** A variable that owns its data: tf.variable(tensor) leaves the tensor behind. */
const variableOf = (initial: Tensor): Variable => {
  const variable = tf.variable(initial);
  initial.dispose();
  return variable;
};
const assignValues = (variable: Variable, next: number[]): void =>
  tf.tidy(() => variable.assign(tf.tensor(next, variable.shape)));
const maskOf = (tensor: Tensor, sparsity: number): number[] => {
  const mask = magnitudeMask(tf, tensor, Math.fround(sparsity));
  const result = values(mask);
  mask.dispose();
  return result;
};

describe('magnitude masks', () => {
  it('zeros the smallest |w| of a 2×3 kernel at sparsity 0.5 (by hand)', () => {
    // |w| = 0.9 0.1 0.4 / 0.7 0.2 0.3: round(6·0.5) = 3 kept (0.9, 0.7, 0.4), so 0.1, 0.2 and 0.3 go.
    const kernel = variableOf(
      tf.tensor2d([
        [0.9, -0.1, 0.4],
        [-0.7, 0.2, -0.3],
      ]),
    );
    const before = tf.memory().numTensors;
    const pruner = createPruner(tf, constantSparsity(0.5, 1, -1, 1), [{ name: 'dense/kernel', variable: kernel }]);
    expect(pruner.beforeStep(1)).toBe(true);
    expect(values(kernel)).toEqual([0.9, 0, 0.4, -0.7, 0, 0].map(Math.fround));
    expect(pruner.exportMasks()).toEqual([{ name: 'dense/kernel', mask: Uint8Array.from([1, 0, 1, 1, 0, 0]) }]);
    expect(pruner.report()).toEqual({
      layers: [{ name: 'dense/kernel', size: 6, zeros: 3, sparsity: 0.5 }],
      size: 6,
      zeros: 3,
      sparsity: 0.5,
    });
    pruner.dispose();
    expect(tf.memory().numTensors).toBe(before);
    kernel.dispose();
  });

  it('counts, rounds and breaks ties like tfmot’s _update_mask (TF 2.21 reference)', () => {
    // Masks computed by tfmot's _update_mask copied op for op and run on tensorflow-cpu 2.21 (.venv-ref).
    const kernel = tf.tensor2d([
      [0.9, -0.1, 0.4],
      [-0.7, 0.2, -0.3],
    ]);
    expect(maskOf(kernel, 0.25)).toEqual([1, 0, 1, 1, 0, 1]);
    expect(maskOf(kernel, 0.75)).toEqual([1, 0, 0, 1, 0, 0]); // 1.5 kept rounds to 2: sparsity 0.667
    expect(maskOf(kernel, 0)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(maskOf(kernel, 0.99)).toEqual([1, 0, 0, 0, 0, 0]); // at least one weight stays
    // Ties at the threshold are all kept: 3 to keep, four weights of |0.5|, so only two go.
    const tied = tf.tensor2d([
      [0.5, -0.5, 0.5],
      [0.1, 0.5, -0.2],
    ]);
    expect(maskOf(tied, 0.5)).toEqual([1, 1, 1, 0, 1, 0]);
    // tfmot's own testConstructsMaskAndThresholdCorrectly: 1…10 at 0.200000018 drops 1 and 2.
    const ramp = tf.range(1, 11);
    expect(maskOf(ramp, 0.200000018)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    const zeros = tf.zeros([4]);
    expect(maskOf(zeros, 0.5)).toEqual([1, 1, 1, 1]); // threshold 0 keeps everything
    tf.dispose([kernel, tied, ramp, zeros]);
  });

  it('ranks the weights as the optimizer left them, so a pruned weight can come back (tfmot order)', () => {
    const kernel = variableOf(tf.tensor1d([1, 2, 3, 4]));
    const pruner = createPruner(tf, constantSparsity(0.5, 1, -1, 2), [{ name: 'k', variable: kernel }]);
    pruner.beforeStep(1);
    expect(values(kernel)).toEqual([0, 0, 3, 4]);
    assignValues(kernel, [5, 0, 3, 0.5]); // an update that pushes a pruned weight up
    pruner.afterUpdate(1);
    expect(values(kernel)).toEqual([0, 0, 3, 0.5]); // no mask update at step 2: masked again
    pruner.beforeStep(2);
    assignValues(kernel, [6, 0, 3, 0.5]);
    pruner.afterUpdate(2);
    expect(values(kernel)).toEqual([0, 0, 3, 0.5]); // zero between the update and step 3 …
    pruner.beforeStep(3);
    expect(values(kernel)).toEqual([6, 0, 3, 0]); // … but step 3's mask ranks 6, 0, 3, 0.5
    pruner.dispose();
    kernel.dispose();
  });
});

/** A two-layer dense classifier; its kernels are pruned, its biases not. */
function denseModel() {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [10],
        units: 8,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        name: 'hidden',
      }),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), name: 'logits' }),
    ],
  });
  const variables = model.trainableWeights.map((weight) => weight.read() as Variable);
  const kernels = model.layers.map((layer) => ({
    name: `${layer.name}/kernel`,
    variable: layer.trainableWeights[0]!.read() as Variable,
  }));
  return { model, variables, kernels };
}

function randomData() {
  const xs = tf.randomNormal([32, 10], 0, 1, 'float32', 7);
  const ys = tf.tidy(() => tf.oneHot(tf.randomUniform([32], 0, 3, 'int32', 8).as1D(), 3));
  return { xs, ys };
}

describe('pruning while training', () => {
  it('keeps pruned weights at exactly 0 through Adam updates and reaches 0.75 per layer', () => {
    const before = tf.memory().numTensors;
    const { model, variables, kernels } = denseModel();
    const { xs, ys } = randomData();
    const optimizer = tf.train.adam(0.05);
    const pruner = createPruner(tf, constantSparsity(0.75, 2, -1, 2), kernels);
    const loss = (): Scalar => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as Tensor) as Scalar;
    let revived = 0;
    let steadyTensors: number | undefined;
    for (let step = 1; step <= 8; step++) {
      pruner.beforeStep(step);
      // No tensor piles up from step to step (Adam's slots exist from step 2 on).
      if (step > 2) expect(tf.memory().numTensors).toBe(steadyTensors);
      steadyTensors = tf.memory().numTensors;
      optimizer.minimize(loss, false, variables);
      const masks = pruner.exportMasks();
      // Without the re-mask Adam moves pruned weights off zero: the check below means something.
      kernels.forEach(
        (kernel, layer) =>
          (revived += values(kernel.variable).filter((w, i) => masks[layer]!.mask[i] === 0 && w !== 0).length),
      );
      pruner.afterUpdate(step);
      kernels.forEach((kernel, layer) => {
        const weights = values(kernel.variable);
        masks[layer]!.mask.forEach((keep, i) => keep === 0 && expect(weights[i]).toBe(0));
      });
      const report = pruner.report();
      if (step === 1)
        expect(report.zeros).toBe(0); // nothing pruned before begin
      else for (const layer of report.layers) expect(Math.abs(layer.zeros - 0.75 * layer.size)).toBeLessThanOrEqual(1);
    }
    expect(revived).toBeGreaterThan(0);
    const stripped = pruner.strip();
    expect(stripped.layers.map(({ name, size, zeros, sparsity }) => [name, size, zeros, sparsity])).toEqual([
      ['hidden/kernel', 80, 60, 0.75],
      ['logits/kernel', 24, 18, 0.75],
    ]);
    expect(stripped.sparsity).toBe(0.75);
    expect(() => pruner.beforeStep(9)).toThrow(/stripped/);
    // The model now computes with the sparse kernels.
    const hiddenKernel = values(kernels[0]!.variable);
    expect(hiddenKernel.filter((w) => w === 0)).toHaveLength(60);
    pruner.dispose();
    optimizer.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('PolynomialDecay reaches its final sparsity at end_step, with every update on schedule', () => {
    const { model, variables, kernels } = denseModel();
    const { xs, ys } = randomData();
    const optimizer = tf.train.momentum(0.05, 0.9);
    const spec = polynomialDecay(0.1, 0.8, 2, 10, 3, 2);
    const schedule = pruningSchedule(spec);
    const pruner = createPruner(tf, spec, kernels);
    const loss = (): Scalar => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as Tensor) as Scalar;
    const zerosBySteps: number[] = [];
    for (let step = 1; step <= 12; step++) {
      const updated = pruner.beforeStep(step);
      expect(updated).toBe(step >= 2 && step <= 10 && step % 2 === 0);
      if (updated) {
        // Right after an update each layer holds exactly n − k zeros (no ties in random weights).
        for (const layer of pruner.report().layers)
          expect(layer.zeros).toBe(layer.size - keptWeightCount(layer.size, schedule(step).sparsity));
      }
      optimizer.minimize(loss, false, variables);
      pruner.afterUpdate(step);
      zerosBySteps.push(pruner.report().zeros);
    }
    // Sparsity only grows with this schedule, and holds after end_step.
    expect(zerosBySteps).toEqual([...zerosBySteps].sort((a, b) => a - b));
    const report = pruner.strip();
    // 80 · 0.2 = 16 and 24 · 0.2 = 4.8 → 5 weights kept (float32 0.8 is a hair above 0.8).
    expect(report.layers.map((layer) => layer.zeros)).toEqual([64, 19]);
    expect(report.layers[0]!.sparsity).toBe(0.8);
    pruner.dispose();
    optimizer.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
  });

  it('matches a TensorFlow run of tfmot’s training order with SGD + momentum', () => {
    // Reference: tensorflow-cpu 2.21 (.venv-ref), Keras SGD(0.1, momentum 0.9) on mean((xW − y)²),
    // the prune_low_magnitude order copied from tfmot's pruning_wrapper.call and UpdatePruningStep
    // (step n = n-th batch; mask update on the weights as the optimizer left them; w ← w·mask;
    // update; w ← w·mask after the last batch) with PolynomialDecay(0.25, 0.75, 2, 6, 3, 2), 8 steps.
    const x = tf.tensor2d(
      Float32Array.from({ length: 32 }, (_, k) => Math.sin(Math.floor(k / 4) * 4 + (k % 4) + 1)),
      [8, 4],
    );
    const y = tf.tensor2d(
      Float32Array.from({ length: 24 }, (_, k) => Math.cos(Math.floor(k / 3) * 3 + (k % 3) * 2)),
      [8, 3],
    );
    const w = variableOf(
      tf.tensor2d([
        [0.5, -0.4, 0.3],
        [-0.2, 0.1, 0.6],
        [0.05, -0.7, 0.25],
        [0.35, -0.15, -0.45],
      ]),
    );
    const optimizer = tf.train.momentum(0.1, 0.9);
    const pruner = createPruner(tf, polynomialDecay(0.25, 0.75, 2, 6, 3, 2), [{ name: 'w', variable: w }]);
    const masks: number[][] = [];
    for (let step = 1; step <= 8; step++) {
      if (pruner.beforeStep(step)) masks.push(Array.from(pruner.exportMasks()[0]!.mask));
      optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as Scalar, false, [w]);
      pruner.afterUpdate(step);
    }
    pruner.strip();
    expect(masks).toEqual([
      [1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1], // step 2, sparsity 0.25: 3 of 12
      [1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0], // step 4, sparsity 0.6875: 12 · 0.3125 = 3.75 → 4 kept
      [1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], // step 6, sparsity 0.75: 3 kept
    ]);
    const reference = [0.4049278795719147, -0.39806196093559265, 0, 0, 0, 0, 0, -0.06721118837594986, 0, 0, 0, 0];
    values(w).forEach((value, i) => expect(value).toBeCloseTo(reference[i]!, 5));
    pruner.dispose();
    optimizer.dispose();
    tf.dispose([x, y, w]);
  });

  it('saves and restores masks, so a resumed run keeps pruning where it stopped', () => {
    const kernel = variableOf(
      tf.tensor2d([
        [0.9, -0.1, 0.4],
        [-0.7, 0.2, -0.3],
      ]),
    );
    const first = createPruner(tf, constantSparsity(0.5, 1, -1, 100), [{ name: 'k', variable: kernel }]);
    first.beforeStep(1);
    const saved = first.exportMasks();
    first.dispose();
    assignValues(kernel, [0.9, 0.5, 0.4, -0.7, 0.2, -0.3]); // what an update could leave
    const resumed = createPruner(tf, constantSparsity(0.5, 1, -1, 100), [{ name: 'k', variable: kernel }], {
      masks: saved,
    });
    resumed.afterUpdate(2);
    expect(values(kernel)).toEqual([0.9, 0, 0.4, -0.7, 0, 0].map(Math.fround));
    expect(() =>
      createPruner(tf, constantSparsity(0.5, 1), [{ name: 'other', variable: kernel }], { masks: saved }),
    ).toThrow(/none for other/);
    resumed.dispose();
    kernel.dispose();
  });
});
