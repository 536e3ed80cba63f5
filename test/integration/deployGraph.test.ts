import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type * as tfjs from '@tensorflow/tfjs-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../src-shared/model/ModelSpec.ts';
import { saveTfjsModel } from '../../src-main/services/export/saveTfjsModel.ts';
import type { DeployGraph, GraphOp } from '../../src-main/services/optimize/graph/DeployGraph.ts';
import { readTfjsGraph } from '../../src-main/services/optimize/graph/readTfjsGraph.ts';
import { runGraphFloat } from '../../src-main/services/optimize/graph/runGraphFloat.ts';
import { loadTensorflow, type TensorflowModule } from '../../src-main/services/tensorflow/loadTensorflow.ts';
import { buildModel, reparameterize, type KwsModel } from '../../src-main/services/training/models/buildModel.ts';
import { tempDir } from '../support/tempDir.ts';

const shape: [number, number, 1] = [49, 10, 1];
const classes = 4;
const dsCnn: ModelSpec = {
  kind: 'ds_cnn',
  firstConv: { filters: 16, kernel: [10, 4], stride: [2, 2] },
  blocks: [16, 24, 24],
  blockKernel: [3, 3],
  widthMultiplier: 1,
  dropout: 0.2,
};
const repInception: ModelSpec = {
  kind: 'rep_inception',
  firstConv: { filters: 12, kernel: [10, 4], stride: [2, 2] },
  blocks: [12, 16],
  branchKernels: [3, 5, 9],
  widthMultiplier: 1,
  dropout: 0.2,
};

const dir = tempDir('kws-deploy-graph-');
let tf: TensorflowModule;
beforeAll(async () => {
  tf = (await loadTensorflow()).tf;
});

/** Noise with a per-input gain and per-bin offsets: pooled models would average plain noise to nearly one output. */
function features(batch: number, seed: number): tfjs.Tensor4D {
  return tf.tidy(() =>
    tf
      .randomNormal([batch, ...shape], 0, 1, 'float32', seed)
      .mul(tf.randomUniform([batch, 1, 1, 1], 0.5, 3, 'float32', seed + 1))
      .add(tf.randomUniform([batch, 1, shape[1], 1], -2, 2, 'float32', seed + 2)),
  ) as tfjs.Tensor4D;
}

/** Replaces the model's weights whose names end in one of `kinds` with `value(kind, uniform [0, 1), current)`. */
function setWeights(
  model: KwsModel,
  seed: number,
  kinds: string[],
  value: (kind: string, random: tfjs.Tensor, current: tfjs.Tensor) => tfjs.Tensor,
): void {
  const weights = model.getWeights();
  let n = 0;
  for (const [name, tensor] of weights) {
    const kind = kinds.find((k) => name.endsWith(`/${k}`));
    if (!kind) continue;
    const random = tf.randomUniform(tensor.shape, 0, 1, 'float32', seed + n++);
    weights.set(
      name,
      tf.tidy(() => value(kind, random, tensor)),
    );
    tf.dispose([random, tensor]);
  }
  model.setWeights(weights);
  tf.dispose([...weights.values()]);
}

/**
 * Moves every batch norm and bias away from its initial value (γ 1, β 0, μ 0, σ² 1, bias 0), or
 * folding would go untested: random γ from `gammaLow` (below 0, some channels scale negatively), β
 * and biases; moving statistics from training-mode passes (so activations keep a useful range and
 * the logits depend on the input), each then moved by a random amount.
 */
function randomizeState(model: KwsModel, seed: number, gammaLow = 0.25): void {
  setWeights(model, seed, ['gamma', 'beta', 'bias'], (kind, random) =>
    kind === 'gamma' ? random.mul(1.75 - gammaLow).add(gammaLow) : random.sub(0.5),
  );
  if (model.state.length === 0) return;
  const x = features(32, seed);
  for (let pass = 0; pass < 20; pass++) tf.tidy(() => void model.apply(x, true, pass));
  x.dispose();
  setWeights(model, seed + 1000, ['moving_mean', 'moving_variance'], (kind, random, current) =>
    kind === 'moving_mean' ? current.add(random.sub(0.5)) : current.mul(random.add(0.5)),
  );
}

async function saved(model: KwsModel, name: string): Promise<string> {
  const target = path.join(dir, name);
  await saveTfjsModel(model, target);
  return path.join(target, 'model.json');
}

/** Runs the graph on 8 random inputs and compares with `expected` (logits of the same inputs). */
function expectSameFunction(graph: DeployGraph, predict: (x: tfjs.Tensor4D) => tfjs.Tensor, seed: number): void {
  const x = features(8, seed);
  const size = shape[0] * shape[1];
  const data = x.dataSync() as Float32Array;
  const inputs = Array.from({ length: 8 }, (_, i) => data.slice(i * size, (i + 1) * size));
  const run = runGraphFloat(tf, graph, inputs, 3);
  const logits = predict(x);
  const probabilities = tf.softmax(logits);
  const expectedLogits = logits.dataSync();
  const expectedProbabilities = probabilities.dataSync();
  const scale = Math.max(1, ...Array.from(expectedLogits, Math.abs));
  expect(run.logits.length).toBe(expectedLogits.length);
  const logitError = Math.max(...Array.from(run.logits, (v, i) => Math.abs(v - expectedLogits[i]!)));
  const probabilityError = Math.max(
    ...Array.from(run.probabilities, (v, i) => Math.abs(v - expectedProbabilities[i]!)),
  );
  expect(logitError / scale).toBeLessThanOrEqual(1e-4);
  expect(probabilityError).toBeLessThanOrEqual(1e-4);
  // The logits depend on the input (no dead network answering its biases).
  const spread = Math.max(
    ...Array.from({ length: classes }, (_, c) => {
      const column = Array.from({ length: 8 }, (_, i) => run.logits[i * classes + c]!);
      return Math.max(...column) - Math.min(...column);
    }),
  );
  expect(spread).toBeGreaterThan(1e-3);
  tf.dispose([x, logits, probabilities]);
}

const kinds = (graph: DeployGraph) => graph.ops.map((op) => op.kind);
const activations = (graph: DeployGraph, kind: GraphOp['kind']) =>
  graph.ops.filter((op) => op.kind === kind).map((op) => ('activation' in op ? op.activation : undefined));

function layerNames(modelJson: string): Set<string> {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as {
    modelTopology: { config: { layers: { name: string }[] } };
  };
  return new Set(json.modelTopology.config.layers.map((layer) => layer.name));
}

describe('readTfjsGraph', () => {
  const cases: { name: string; spec: ModelSpec; merge?: boolean; ops: GraphOp['kind'][] }[] = [
    { name: 'tiny_conv', spec: { kind: 'tiny_conv', dropout: 0.5 }, ops: ['conv2d', 'reshape', 'fully_connected'] },
    {
      name: 'conv',
      spec: { kind: 'conv', dropout: 0.5 },
      ops: ['conv2d', 'max_pool2d', 'conv2d', 'reshape', 'fully_connected'],
    },
    {
      name: 'low_latency_conv',
      spec: { kind: 'low_latency_conv', dropout: 0.5 },
      ops: ['conv2d', 'reshape', 'fully_connected', 'fully_connected', 'fully_connected'],
    },
    {
      name: 'ds_cnn',
      spec: dsCnn,
      ops: ['conv2d', ...[1, 2, 3].flatMap(() => ['depthwise_conv2d', 'conv2d'] as const), 'mean', 'fully_connected'],
    },
    {
      name: 'rep_inception (trained form)',
      spec: repInception,
      // Per block 6 parallel depthwise branches (their BNs folded) summed by 5 adds, then the pointwise conv.
      ops: [
        'conv2d',
        ...[1, 2].flatMap(
          () =>
            [
              ...Array<'depthwise_conv2d'>(6).fill('depthwise_conv2d'),
              ...Array<'add'>(5).fill('add'),
              'conv2d',
            ] as const,
        ),
        'mean',
        'fully_connected',
      ],
    },
    {
      name: 'rep_inception (reparameterized, as training saves it)',
      spec: repInception,
      merge: true,
      ops: [
        'conv2d',
        ...[1, 2].flatMap(() => ['depthwise_conv2d', 'depthwise_conv2d', 'add', 'conv2d'] as const),
        'mean',
        'fully_connected',
      ],
    },
  ];

  for (const [index, { name, spec, merge, ops }] of cases.entries()) {
    it(`computes what ${name} computes, with BN folded, ReLU fused and dropout gone`, async () => {
      const trained = buildModel(tf, spec, shape, classes, 3 + index);
      randomizeState(trained, 100 * index);
      const model = merge ? reparameterize(tf, trained) : trained;
      const modelJson = await saved(model, `model-${index}`);
      const graph = readTfjsGraph(modelJson);

      expect(kinds(graph)).toEqual([...ops, 'softmax']);
      expect(graph.tensors.map((t) => t.id)).toEqual(graph.tensors.map((_, i) => i));
      expect(graph.tensors[graph.input]!.shape).toEqual([1, ...shape]);
      expect(graph.tensors[graph.logits]!.shape).toEqual([1, classes]);
      expect(graph.tensors[graph.output]!.shape).toEqual([1, classes]);
      expect(graph.ops.at(-1)).toMatchObject({ kind: 'softmax', input: graph.logits, output: graph.output });
      expect(graph.ops.at(-2)).toMatchObject({ kind: 'fully_connected', output: graph.logits, activation: 'none' });
      // Every tensor but the softmax output and the partial sums of n-way adds is named after its Keras layer.
      const names = layerNames(modelJson);
      for (const tensor of graph.tensors.slice(0, -1))
        if (!/\/partial\d+$/.test(tensor.name)) expect(names, tensor.name).toContain(tensor.name);
      // Each op reads only tensors written before it.
      const written = new Set([graph.input]);
      for (const op of graph.ops) {
        for (const input of op.kind === 'add' ? op.inputs : [op.input]) expect(written.has(input)).toBe(true);
        written.add(op.output);
      }
      if (spec.kind === 'ds_cnn' || spec.kind === 'rep_inception') {
        expect(activations(graph, 'conv2d').every((a) => a === 'relu')).toBe(true);
      }
      if (spec.kind === 'ds_cnn') expect(activations(graph, 'depthwise_conv2d').every((a) => a === 'relu')).toBe(true);
      if (spec.kind === 'rep_inception') {
        expect(activations(graph, 'depthwise_conv2d').every((a) => a === 'none')).toBe(true);
        // The last add of each block carries the ReLU, the partial sums none.
        const perBlock = merge ? 1 : 5;
        expect(activations(graph, 'add')).toEqual(
          [1, 2].flatMap(() => [...Array<string>(perBlock - 1).fill('none'), 'relu']),
        );
      }
      if (spec.kind === 'conv') expect(activations(graph, 'conv2d')).toEqual(['relu', 'relu']);

      expectSameFunction(graph, (x) => model.apply(x, false), 1000 + index);
      if (merge) {
        expectSameFunction(graph, (x) => trained.apply(x, false), 2000 + index);
        model.dispose();
      }
      trained.dispose();
    });
  }

  it('keeps pruned weights exact zeros (+0) through BN folding, so sparsity shows in the compressed size', async () => {
    const graphs: DeployGraph[] = [];
    let prunedZeros = 0;
    for (const prune of [false, true]) {
      const model = buildModel(tf, dsCnn, shape, classes, 21);
      if (prune) {
        for (const kernel of model.prunable) {
          const half = tf.tidy(() => {
            const keep = tf.randomUniform(kernel.shape, 0, 1, 'float32', 7).greater(0.5);
            return kernel.mul(keep.toFloat());
          });
          kernel.assign(half);
          half.dispose();
          prunedZeros += kernel.dataSync().filter((v) => v === 0).length;
        }
        expect(prunedZeros).toBeGreaterThan(0.4 * model.prunable.reduce((sum, k) => sum + k.size, 0));
      }
      // γ in [−0.25, 1.75]: some channels scale by a negative number, which would turn 0 into −0.
      randomizeState(model, 300, -0.25);
      const graph = readTfjsGraph(await saved(model, prune ? 'pruned' : 'dense'));
      expectSameFunction(graph, (x) => model.apply(x, false), 50);
      graphs.push(graph);
      model.dispose();
    }
    const weightsOf = (graph: DeployGraph) =>
      graph.ops.flatMap((op) =>
        op.kind === 'conv2d' || op.kind === 'depthwise_conv2d'
          ? [op.filter]
          : op.kind === 'fully_connected'
            ? [op.weights]
            : [],
      );
    const [dense, pruned] = graphs.map(weightsOf) as [Float32Array[], Float32Array[]];
    const zeros = pruned.reduce((sum, w) => sum + w.filter((v) => Object.is(v, 0)).length, 0);
    const negativeZeros = pruned.reduce((sum, w) => sum + w.filter((v) => Object.is(v, -0)).length, 0);
    expect(negativeZeros).toBe(0);
    expect(zeros).toBe(prunedZeros);
    for (const weights of pruned) expect(weights.filter((v) => v === 0).length).toBeGreaterThan(0.3 * weights.length);
    const compressed = (weights: Float32Array[]) =>
      zlib.deflateSync(Buffer.concat(weights.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength))), {
        level: 9,
      }).length;
    expect(compressed(pruned)).toBeLessThan(0.75 * compressed(dense));
  });

  it('handles Activation relu6, a BN without scale or center, dense ReLU and valid pooling', async () => {
    const input = tf.input({ shape });
    let y = tf.layers
      .conv2d({ filters: 6, kernelSize: [5, 3], strides: [2, 1], padding: 'valid', useBias: false })
      .apply(input);
    const bn = tf.layers.batchNormalization({ scale: false, center: false, epsilon: 0.01 });
    y = bn.apply(y);
    y = tf.layers.activation({ activation: 'relu6' }).apply(y);
    y = tf.layers.maxPooling2d({ poolSize: [3, 2], strides: [2, 2], padding: 'valid' }).apply(y);
    y = tf.layers.flatten().apply(y);
    y = tf.layers.dense({ units: 10, activation: 'relu' }).apply(y);
    y = tf.layers.dropout({ rate: 0.3 }).apply(y);
    const output = tf.layers.dense({ units: classes }).apply(y) as tfjs.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    bn.setWeights([tf.randomUniform([6], -1, 1, 'float32', 1), tf.randomUniform([6], 0.05, 0.2, 'float32', 2)]);
    const target = path.join(dir, 'mixed');
    await model.save(`file://${target}`);
    const graph = readTfjsGraph(path.join(target, 'model.json'));
    expect(graph.ops.map((op) => [op.kind, 'activation' in op ? op.activation : '-'])).toEqual([
      ['conv2d', 'relu6'],
      ['max_pool2d', '-'],
      ['reshape', '-'],
      ['fully_connected', 'relu'],
      ['fully_connected', 'none'],
      ['softmax', '-'],
    ]);
    expect(graph.tensors[graph.ops[1]!.output]!.shape).toEqual([1, 11, 4, 6]);
    // A relu6 that clips: some conv outputs exceed 6 after the narrow variance's scale.
    expectSameFunction(graph, (x) => model.predict(x) as tfjs.Tensor, 60);
    model.dispose();
  });
});

describe('readTfjsGraph refuses what TFLite cannot express, naming the layer', () => {
  let tinyJson: string;
  let dsJson: string;
  beforeAll(async () => {
    const tiny = buildModel(tf, { kind: 'tiny_conv', dropout: 0.5 }, shape, classes, 1);
    tinyJson = await saved(tiny, 'tiny');
    tiny.dispose();
    const ds = buildModel(tf, dsCnn, shape, classes, 1);
    dsJson = await saved(ds, 'ds');
    ds.dispose();
  });

  type Json = {
    modelTopology: {
      config: {
        layers: { name: string; class_name: string; config: Record<string, unknown> }[];
        output_layers: unknown[];
      };
    };
    weightsManifest: { paths: string[]; weights: { name: string; dtype: string }[] }[];
  };

  /** A copy of a saved model with model.json edited; returns the copy's model.json. */
  function edited(source: string, name: string, edit: (json: Json) => void): string {
    const target = path.join(dir, name);
    fs.cpSync(path.dirname(source), target, { recursive: true });
    const json = JSON.parse(fs.readFileSync(source, 'utf8')) as Json;
    edit(json);
    fs.writeFileSync(path.join(target, 'model.json'), JSON.stringify(json));
    return path.join(target, 'model.json');
  }
  const layerOf = (json: Json, className: string) =>
    json.modelTopology.config.layers.find((layer) => layer.class_name === className)!;

  it('an unknown layer class', () => {
    let name = '';
    const file = edited(tinyJson, 'lstm', (json) => {
      const layer = layerOf(json, 'Dense');
      layer.class_name = 'LSTM';
      name = layer.name;
    });
    expect(() => readTfjsGraph(file)).toThrow(`Layer "${name}" (LSTM) cannot be expressed in TFLite by this exporter`);
  });

  it('channels_first, dilation, a depth multiplier, an unfusable activation', () => {
    const cases: [string, string, (config: Record<string, unknown>) => void, RegExp][] = [
      [
        'channels-first',
        'Conv2D',
        (c) => (c.data_format = 'channels_first'),
        /\(Conv2D\) has data_format channels_first/,
      ],
      ['dilation', 'Conv2D', (c) => (c.dilation_rate = [2, 1]), /\(Conv2D\) has dilation_rate \[2, 1\]; only 1/],
      ['multiplier', 'DepthwiseConv2D', (c) => (c.depth_multiplier = 2), /\(DepthwiseConv2D\) has depth_multiplier 2/],
      ['tanh', 'Dense', (c) => (c.activation = 'tanh'), /\(Dense\) has activation tanh/],
    ];
    for (const [name, className, edit, message] of cases) {
      const file = edited(dsJson, name, (json) => edit(layerOf(json, className).config));
      expect(() => readTfjsGraph(file), name).toThrow(message);
    }
  });

  it('several outputs, a non-float32 weight, a missing weight', () => {
    const twoOutputs = edited(tinyJson, 'outputs', (json) => {
      const outputs = json.modelTopology.config.output_layers;
      outputs.push([layerOf(json, 'Conv2D').name, 0, 0]);
    });
    expect(() => readTfjsGraph(twoOutputs)).toThrow(/The model has 2 outputs \(dense_Dense\d+, conv2d_Conv2D\d+\)/);
    const int32 = edited(tinyJson, 'int32', (json) => {
      json.weightsManifest[0]!.weights.find((w) => w.name.endsWith('/bias') && w.name.startsWith('dense'))!.dtype =
        'int32';
    });
    expect(() => readTfjsGraph(int32)).toThrow(
      /Layer "dense_Dense\d+" \(Dense\) has weight "dense_Dense\d+\/bias" stored as int32; only float32/,
    );
    const renamed = edited(tinyJson, 'renamed-weight', (json) => {
      const weight = json.weightsManifest[0]!.weights.find((w) => w.name.endsWith('/kernel'))!;
      weight.name = 'elsewhere/kernel';
    });
    expect(() => readTfjsGraph(renamed)).toThrow(
      /Layer "conv2d_Conv2D\d+" \(Conv2D\) has no weight "conv2d_Conv2D\d+\/kernel"/,
    );
  });

  it('a truncated or missing weights file', () => {
    const truncated = edited(tinyJson, 'truncated', () => {});
    const bin = path.join(path.dirname(truncated), 'weights.bin');
    const size = fs.statSync(bin).size;
    fs.truncateSync(bin, size - 100);
    expect(() => readTfjsGraph(truncated)).toThrow(
      `weights.bin holds ${size - 100} bytes but model.json's weightsManifest describes ${size}: the weights file is truncated`,
    );
    fs.rmSync(bin);
    expect(() => readTfjsGraph(truncated)).toThrow(
      /Cannot read weight file .*weights\.bin, which .*model\.json lists: ENOENT/,
    );
    expect(() => readTfjsGraph(path.join(dir, 'nowhere', 'model.json'))).toThrow(
      /Cannot read the TF.js model .*nowhere/,
    );
  });

  it('a batch norm after a dense layer, a ReLU whose input other layers also read', async () => {
    const input = tf.input({ shape });
    const flat = tf.layers.flatten().apply(input);
    const dense = tf.layers.dense({ units: classes, name: 'head' }).apply(flat);
    const bnModel = tf.model({
      inputs: input,
      outputs: tf.layers.batchNormalization({ name: 'late_bn' }).apply(dense) as tfjs.SymbolicTensor,
    });
    await bnModel.save(`file://${path.join(dir, 'bn-after-dense')}`);
    expect(() => readTfjsGraph(path.join(dir, 'bn-after-dense', 'model.json'))).toThrow(
      'Layer "late_bn" (BatchNormalization) follows Dense "head"; batch norm can only be folded into a Conv2D or DepthwiseConv2D',
    );

    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'shared_conv' }).apply(input);
    const relu = tf.layers.reLU({ name: 'branch_relu' }).apply(conv);
    const sum = tf.layers.add().apply([relu, conv] as tfjs.SymbolicTensor[]);
    const head = tf.layers.dense({ units: classes }).apply(tf.layers.flatten().apply(sum)) as tfjs.SymbolicTensor;
    const shared = tf.model({ inputs: input, outputs: head });
    await shared.save(`file://${path.join(dir, 'shared-relu')}`);
    expect(() => readTfjsGraph(path.join(dir, 'shared-relu', 'model.json'))).toThrow(
      'Layer "branch_relu" (ReLU) cannot be fused into "shared_conv": other layers read that layer\'s output before the activation',
    );
    bnModel.dispose();
    shared.dispose();
  });
});
