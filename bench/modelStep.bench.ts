import type * as tfjs from '@tensorflow/tfjs-node';
import type { DsCnnSpec } from '../src-shared/model/ModelSpec.ts';
import { loadTensorflow, type TensorflowModule } from '../src-main/services/tensorflow/loadTensorflow.ts';
import { buildModel } from '../src-main/services/training/models/buildModel.ts';
import { recordBenchmark } from './recordBenchmark.ts';

const BATCH = 100;
const CLASSES = 12;
const RATE = 0.01;
const ROUNDS = 3;
const STEPS_PER_ROUND = 15;
const spec: DsCnnSpec = {
  kind: 'ds_cnn',
  firstConv: { filters: 64, kernel: [10, 4], stride: [2, 2] },
  blocks: [64, 64, 64, 64],
  blockKernel: [3, 3],
  widthMultiplier: 1,
  dropout: 0.2,
};

/** The same DS-CNN as tfjs-layers, the way a tfjs user would write it. */
function layersDsCnn(tf: TensorflowModule): tfjs.Sequential {
  const bnRelu = (model: tfjs.Sequential) => {
    model.add(tf.layers.batchNormalization({ epsilon: 1e-3, momentum: 0.99 }));
    model.add(tf.layers.reLU());
  };
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({
      inputShape: [49, 10, 1],
      filters: 64,
      kernelSize: [10, 4],
      strides: [2, 2],
      padding: 'same',
      useBias: false,
    }),
  );
  bnRelu(model);
  for (let block = 0; block < spec.blocks.length; block++) {
    model.add(tf.layers.depthwiseConv2d({ kernelSize: spec.blockKernel, padding: 'same', useBias: false }));
    bnRelu(model);
    model.add(tf.layers.conv2d({ filters: 64, kernelSize: [1, 1], padding: 'same', useBias: false }));
    bnRelu(model);
  }
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dropout({ rate: spec.dropout }));
  model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(RATE), loss: 'categoricalCrossentropy' });
  return model;
}

type Executor = (name: string, attrs: unknown, inputs: unknown, outputs?: number) => unknown;

/** Native time per TensorFlow op name, from wrapping the backend's two op-execution entry points. */
async function nativeOpTimes(tf: TensorflowModule, step: () => unknown, steps: number) {
  const backend = tf.backend() as unknown as Record<'executeSingleOutput' | 'executeMultipleOutputs', Executor>;
  const totals = new Map<string, { calls: number; ms: number }>();
  const originals = {
    executeSingleOutput: backend.executeSingleOutput,
    executeMultipleOutputs: backend.executeMultipleOutputs,
  };
  for (const method of ['executeSingleOutput', 'executeMultipleOutputs'] as const) {
    const original = originals[method].bind(backend);
    backend[method] = (name, attrs, inputs, outputs) => {
      const started = performance.now();
      const result = original(name, attrs, inputs, outputs);
      const total = totals.get(name) ?? { calls: 0, ms: 0 };
      total.calls += 1;
      total.ms += performance.now() - started;
      totals.set(name, total);
      return result;
    };
  }
  const started = performance.now();
  try {
    for (let i = 0; i < steps; i++) await step();
  } finally {
    Object.assign(backend, originals);
  }
  const wall = (performance.now() - started) / steps;
  const ops = [...totals]
    .map(([name, t]) => ({ name, calls: t.calls / steps, ms: t.ms / steps }))
    .sort((a, b) => b.ms - a.ms);
  return {
    wall,
    native: ops.reduce((sum, op) => sum + op.ms, 0),
    calls: ops.reduce((sum, op) => sum + op.calls, 0),
    ops,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * One DS-CNN training step (forward, backward, plain SGD update) on a batch of 100 49×10 inputs:
 * our functional model under tf.variableGrads against the same network in tfjs-layers with
 * trainOnBatch, alternating rounds so machine load hits both alike; then where each spends its time.
 */
export async function runModelStepBench(options: { record?: boolean } = {}): Promise<void> {
  const { tf, backend } = await loadTensorflow();
  const x = tf.randomNormal([BATCH, 49, 10, 1], 0, 1, 'float32', 1) as tfjs.Tensor4D;
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: BATCH }, (_, i) => i % CLASSES),
      'int32',
    ),
    CLASSES,
  ) as tfjs.Tensor2D;
  const model = buildModel(tf, spec, [49, 10, 1], CLASSES, 1);
  let seed = 0;
  const ourStep = () =>
    tf
      .tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, true, seed++)) as tfjs.Scalar,
          model.trainable,
        );
        for (const variable of model.trainable) variable.assign(variable.sub(grads[variable.name]!.mul(RATE)));
        return value;
      })
      .dataSync();
  const layers = layersDsCnn(tf);
  const layersStep = () => layers.trainOnBatch(x, labels);

  const time = async (step: () => unknown, steps: number) => {
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const started = performance.now();
      await step();
      times.push(performance.now() - started);
    }
    return times;
  };
  await time(ourStep, 5);
  await time(layersStep, 5);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(...(await time(ourStep, STEPS_PER_ROUND)));
    theirs.push(...(await time(layersStep, STEPS_PER_ROUND)));
  }
  const oursMs = median(ours);
  const layersMs = median(theirs);
  const ourOps = await nativeOpTimes(tf, ourStep, 10);
  const layersOps = await nativeOpTimes(tf, layersStep, 5);

  const row = (name: string, ms: number) => `| ${name} | ${ms.toFixed(1)} | ${Math.round((BATCH / ms) * 1000)} |`;
  const breakdown = (name: string, profile: typeof ourOps) =>
    `${name}: ${profile.wall.toFixed(1)} ms/step wall, ${profile.native.toFixed(1)} ms in ${Math.round(profile.calls)} native ops; top: ` +
    profile.ops
      .slice(0, 8)
      .map((op) => `${op.name} ${op.ms.toFixed(1)} ms (${Math.round(op.calls)}×)`)
      .join(', ');
  const lines = [
    `DS-CNN ${spec.blocks.length}×${spec.blocks[0]}, input 49×10, batch ${BATCH}, ${CLASSES} classes, SGD; backend ${backend}; median of ${ROUNDS * STEPS_PER_ROUND} steps each.`,
    '',
    '| training step | ms/step | samples/s |',
    '| --- | ---: | ---: |',
    row('ours (functional model, tf.variableGrads)', oursMs),
    row('tfjs-layers (trainOnBatch)', layersMs),
    '',
    breakdown('ours', ourOps),
    '',
    breakdown('tfjs-layers', layersOps),
    '',
    `model_step_vs_tfjs_layers=${(layersMs / oursMs).toFixed(2)}`,
  ];
  for (const line of lines) console.log(line);
  if (options.record ?? true) recordBenchmark('model-step', 'npm run bench -- model-step', lines.join('\n'));
  tf.dispose([x, labels]);
  model.dispose();
  layers.dispose();
}
