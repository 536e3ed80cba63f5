import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfjs from '@tensorflow/tfjs-node';
import type { ModelSpec } from '../../src-shared/model/ModelSpec.ts';
import { saveTfjsModel } from '../../src-main/services/export/saveTfjsModel.ts';
import type { DeployGraph } from '../../src-main/services/optimize/graph/DeployGraph.ts';
import { readTfjsGraph } from '../../src-main/services/optimize/graph/readTfjsGraph.ts';
import { runGraphFloat } from '../../src-main/services/optimize/graph/runGraphFloat.ts';
import type { QuantizedGraph } from '../../src-main/services/optimize/quantize/QuantizedGraph.ts';
import { calibrate } from '../../src-main/services/optimize/quantize/calibrate.ts';
import { writeTflite } from '../../src-main/services/export/tflite/writeTflite.ts';
import { loadTensorflow, type TensorflowModule } from '../../src-main/services/tensorflow/loadTensorflow.ts';
import { buildModel, reparameterize, type KwsModel } from '../../src-main/services/training/models/buildModel.ts';
import { GraphBuilder } from '../support/randomDeployGraph.ts';
import { tempDir } from '../support/tempDir.ts';
import {
  convertWithTensorflow,
  hasReferencePython,
  referencePythonMissing,
  runCheckTflite,
  runTfliteReference,
  type ResolverRun,
  type TfliteReferenceRun,
} from '../support/tfliteReference.ts';

// The .tflite writer and int8 quantizer checked by TensorFlow 2.21's own interpreter (both the default
// XNNPACK path and the reference kernels TFLite Micro's resemble), on hand-built graphs covering every
// op with random weights; the int8 graph without ADD is also compared with TF's converter, output for
// output.

if (!hasReferencePython) console.warn(referencePythonMissing);
const checkScript = process.env.KWS_CHECK_TFLITE ?? '/work/shared/tools/check_tflite.py';

interface Case {
  name: string;
  build: () => { graph: DeployGraph; builder: GraphBuilder };
  floatOps: string[];
}

/** conv → depthwise+ReLU6 → add+ReLU → max pool → flatten → dense → softmax. */
function residualGraph(): { graph: DeployGraph; builder: GraphBuilder } {
  const b = new GraphBuilder([12, 10], 11);
  const conv = b.conv2d('conv1', b.input, 8, [3, 3], [1, 1], 'same', 'none');
  const depthwise = b.depthwise('dw1', conv, [3, 3], [1, 1], 'same', 'relu6');
  const sum = b.add('add1', conv, depthwise, 'relu');
  const pooled = b.maxPool('pool1', sum, [2, 2], [2, 2], 'valid');
  const flat = b.flatten('flatten', pooled);
  return { graph: b.finish(b.dense('dense', flat, 5, 'none')), builder: b };
}

/** A DS-CNN in miniature: strided conv → depthwise → pointwise (valid) → strided depthwise → mean → dense+ReLU → dense → softmax. */
function dsCnnGraph(): { graph: DeployGraph; builder: GraphBuilder } {
  const b = new GraphBuilder([16, 10], 12);
  const conv = b.conv2d('conv1', b.input, 8, [4, 3], [2, 2], 'same', 'relu');
  const dw1 = b.depthwise('dw1', conv, [3, 3], [1, 1], 'same', 'relu');
  const pw1 = b.conv2d('pw1', dw1, 12, [1, 1], [1, 1], 'valid', 'relu');
  const dw2 = b.depthwise('dw2', pw1, [3, 3], [2, 2], 'same', 'relu');
  const pooled = b.mean('gap', dw2);
  const hidden = b.dense('fc1', pooled, 16, 'relu');
  return { graph: b.finish(b.dense('dense', hidden, 4, 'none')), builder: b };
}

const cases: Case[] = [
  {
    name: 'residual',
    build: residualGraph,
    floatOps: ['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX'],
  },
  {
    name: 'ds-cnn',
    build: dsCnnGraph,
    floatOps: [
      'CONV_2D',
      'DEPTHWISE_CONV_2D',
      'CONV_2D',
      'DEPTHWISE_CONV_2D',
      'MEAN',
      'FULLY_CONNECTED',
      'FULLY_CONNECTED',
      'SOFTMAX',
    ],
  },
];

/** What TF 2.21's converter writes for full-integer int8 (checked against its output in the facts doc). */
const INT8_VERSIONS: Record<string, number> = {
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 3,
  FULLY_CONNECTED: 4,
  ADD: 2,
  MAX_POOL_2D: 2,
  MEAN: 2,
  SOFTMAX: 2,
  RESHAPE: 1,
  QUANTIZE: 1,
  DEQUANTIZE: 2,
};

function argmax(values: ArrayLike<number>, row: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (values[row * classes + c]! > values[row * classes + best]!) best = c;
  return best;
}

function agreement(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, classes: number): number {
  let same = 0;
  for (let row = 0; row < rows; row++) if (argmax(a, row, classes) === argmax(b, row, classes)) same++;
  return same / rows;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** The op names the interpreter executes, without XNNPACK's DELEGATE nodes. */
function builtinOps(run: ResolverRun): string[] {
  return run.ops.filter((op) => op !== 'DELEGATE');
}

function expectWellFormed(run: TfliteReferenceRun): void {
  expect(run.file.schema_version).toBe(3);
  expect(run.file.identifier).toBe('TFL3');
  expect(run.file.subgraphs).toBe(1);
  expect(run.file.first_buffer_empty).toBe(true);
  expect(run.file.unaligned_buffers).toEqual([]);
  for (const code of run.file.operator_codes)
    expect(code.deprecated_builtin_code).toBe(Math.min(code.builtin_code, 127));
}

describe.skipIf(!hasReferencePython)(
  `TFLite export run by TensorFlow's interpreter${hasReferencePython ? '' : ` (${referencePythonMissing})`}`,
  () => {
    let tf: TensorflowModule;
    const dir = tempDir('kws-tflite-');
    /** The int8 runs by case and I/O type, reused by the comparison with TF's converter. */
    const runs = new Map<string, TfliteReferenceRun>();
    beforeAll(async () => {
      tf = (await loadTensorflow()).tf;
    });

    for (const { name, build, floatOps } of cases) {
      describe(name, () => {
        let graph: DeployGraph;
        let builder: GraphBuilder;
        let inputShape: number[];
        let classes: number;
        let evaluation: Float32Array[];
        let calibration: Float32Array[];
        let floatProbabilities: Float32Array;
        let quantized: QuantizedGraph;
        beforeAll(() => {
          ({ graph, builder } = build());
          inputShape = graph.tensors[graph.input]!.shape.slice(1, 3);
          classes = graph.tensors[graph.output]!.shape[1]!;
          calibration = builder.inputs(100, 101);
          evaluation = builder.inputs(200, 202);
          floatProbabilities = runGraphFloat(tf, graph, evaluation).probabilities;
          quantized = calibrate(tf, graph, calibration);
        });

        it('the float model gives runGraphFloat’s probabilities on both resolvers', () => {
          const run = runTfliteReference(
            dir,
            `${name}-float`,
            writeTflite(graph, { io: 'float32' }),
            evaluation,
            inputShape,
          );
          expectWellFormed(run);
          expect(run.file.operator_codes.map((c) => c.version)).toEqual(run.file.operator_codes.map(() => 1));
          for (const resolver of ['default', 'builtin_ref'] as const) {
            const result = run.resolvers[resolver];
            expect(builtinOps(result)).toEqual(floatOps);
            expect(result.input).toMatchObject({ name: 'input', dtype: 'float32', shape: [1, ...inputShape, 1] });
            expect(result.output).toMatchObject({ name: 'probabilities', dtype: 'float32', shape: [1, classes] });
            const difference = maxDifference(result.outputs, floatProbabilities);
            console.log(
              `${name} float ${resolver}: max |Δp| ${difference.toExponential(2)}, ${result.latency_ms!.toFixed(4)} ms`,
            );
            expect(difference).toBeLessThan(1e-4);
          }
          // Weights are constants named after their layer, with their TFLite layouts.
          const tensors = run.resolvers.builtin_ref.tensors;
          expect(tensors.find((t) => t.name === 'conv1/filter')?.shape).toEqual([
            8,
            ...(name === 'residual' ? [3, 3] : [4, 3]),
            1,
          ]);
          expect(tensors.find((t) => t.name === 'dw1/filter')?.shape).toEqual([1, 3, 3, 8]);
        });

        for (const io of ['int8', 'float32'] as const) {
          it(`the int8 model with ${io} input and output agrees with the float model`, () => {
            const model = writeTflite(quantized, { io });
            const run = runTfliteReference(dir, `${name}-int8-${io}`, model, evaluation, inputShape);
            expectWellFormed(run);
            const expectedOps = io === 'float32' ? ['QUANTIZE', ...floatOps, 'DEQUANTIZE'] : floatOps;
            expect(run.file.operator_codes.map((c) => [c.name, c.version])).toEqual(
              [...new Set(expectedOps)].map((op) => [op, INT8_VERSIONS[op]]),
            );
            const inputParams = quantized.activations[graph.input]!;
            for (const resolver of ['default', 'builtin_ref'] as const) {
              const result = run.resolvers[resolver];
              expect(builtinOps(result)).toEqual(expectedOps);
              expect(result.input).toMatchObject({ dtype: io, shape: [1, ...inputShape, 1] });
              expect(result.output).toMatchObject({ dtype: io, shape: [1, classes] });
              if (io === 'int8') {
                expect(result.input.quantization.scales[0]).toBeCloseTo(inputParams.scale, 9);
                expect(result.input.quantization.zero_points).toEqual([inputParams.zeroPoint]);
                expect(result.output.quantization.scales).toEqual([1 / 256]);
                expect(result.output.quantization.zero_points).toEqual([-128]);
              }
              const agree = agreement(result.outputs, floatProbabilities, evaluation.length, classes);
              const difference = maxDifference(result.outputs, floatProbabilities);
              console.log(
                `${name} int8 (${io} I/O) ${resolver}: argmax agreement ${(agree * 100).toFixed(1)} %, max |Δp| ${difference.toFixed(4)}, ${result.latency_ms!.toFixed(4)} ms, ${run.bytes} bytes`,
              );
              expect(agree).toBeGreaterThanOrEqual(0.95);
            }
            // XNNPACK requantizes in float where the reference kernels use fixed point: a few output steps
            // apart at most, the same decisions.
            const [fast, reference] = [run.resolvers.default.outputs, run.resolvers.builtin_ref.outputs];
            console.log(
              `${name} int8 (${io} I/O): XNNPACK vs reference kernels max |Δp| ${maxDifference(fast, reference)}`,
            );
            expect(maxDifference(fast, reference)).toBeLessThanOrEqual(8 / 256);
            expect(agreement(fast, reference, evaluation.length, classes)).toBeGreaterThanOrEqual(0.97);
            runs.set(`${name}-${io}`, run);
            // QUANTIZE in the file rounds float inputs as the runner does for int8 input: same answers.
            const int8Io = runs.get(`${name}-int8`);
            if (io === 'float32' && int8Io)
              expect(maxDifference(run.resolvers.builtin_ref.outputs, int8Io.resolvers.builtin_ref.outputs)).toBe(0);

            // Weights per output channel (conv dim 0, depthwise dim 3), biases int32 at input × weight scale.
            const tensors = run.resolvers.builtin_ref.tensors;
            const byName = (tensorName: string) => tensors.find((t) => t.name === tensorName)!;
            expect(byName('conv1/filter')).toMatchObject({ dtype: 'int8', quantization: { quantized_dimension: 0 } });
            expect(byName('conv1/filter').quantization.scales).toHaveLength(8);
            expect(byName('conv1/filter').quantization.zero_points).toEqual(new Array(8).fill(0));
            expect(byName('dw1/filter')).toMatchObject({ dtype: 'int8', quantization: { quantized_dimension: 3 } });
            expect(byName('dw1/filter').quantization.scales).toHaveLength(8);
            expect(byName('dense/weights').quantization.scales).toHaveLength(classes);
            const convInput = quantized.activations[graph.input]!.scale;
            const bias = byName('conv1/bias');
            expect(bias.dtype).toBe('int32');
            bias.quantization.scales.forEach((scale, c) => {
              const product = convInput * byName('conv1/filter').quantization.scales[c]!;
              expect(Math.abs(scale - product)).toBeLessThanOrEqual(1e-6 * product);
            });
            // Activations per tensor.
            expect(byName('dw1').quantization.scales).toHaveLength(1);
          });
        }

        it('the int8 model matches what TF’s own converter writes for the same graph and calibration', () => {
          const reference = convertWithTensorflow(dir, name, graph, calibration, inputShape, 'int8');
          const ours =
            runs.get(`${name}-int8`) ??
            runTfliteReference(dir, `${name}-ours`, writeTflite(quantized, { io: 'int8' }), evaluation, inputShape, {
              warmup: 0,
              runs: 0,
            });
          const theirs = runTfliteReference(dir, `${name}-converter`, reference.model, evaluation, inputShape, {
            warmup: 0,
            runs: 0,
          });
          const [a, b] = [ours.resolvers.builtin_ref, theirs.resolvers.builtin_ref];
          expect(a.input.quantization).toEqual(b.input.quantization);
          expect(builtinOps(a)).toEqual(builtinOps(b));
          let identical = 0;
          for (let row = 0; row < evaluation.length; row++) {
            let same = true;
            for (let c = 0; c < classes; c++) if (a.raw[row * classes + c] !== b.raw[row * classes + c]) same = false;
            if (same) identical++;
          }
          const agree = agreement(a.raw, b.raw, evaluation.length, classes);
          console.log(
            `${name} int8 vs TF converter: ${identical}/${evaluation.length} outputs bit-identical, max |Δq| ${maxDifference(a.raw, b.raw)}, argmax agreement ${(agree * 100).toFixed(1)} %, ${ours.bytes} vs ${theirs.bytes} bytes`,
          );
          if (name === 'ds-cnn') {
            // Without ADD every scale and zero point is the converter's: the outputs are the same bytes
            // (a last-bit rounding of a calibrated range on another machine may move one step).
            expect(identical / evaluation.length).toBeGreaterThanOrEqual(0.95);
            expect(maxDifference(a.raw, b.raw)).toBeLessThanOrEqual(1);
          } else {
            // TF's calibrator records ADD's in-place input after ADD overwrote it, widening that input's
            // range to the sum's; we keep the spec's own range, so outputs differ by a few steps.
            expect(agree).toBeGreaterThanOrEqual(0.95);
          }
        });
      });
    }

    it.skipIf(!fs.existsSync(checkScript))('the independent check_tflite.py runs unchanged on an exported file', () => {
      const { graph, builder } = dsCnnGraph();
      const calibration = builder.inputs(100, 101);
      const evaluation = builder.inputs(100, 303);
      const { probabilities } = runGraphFloat(tf, graph, evaluation);
      const classes = graph.tensors[graph.output]!.shape[1]!;
      const labels = evaluation.map((_, row) => argmax(probabilities, row, classes));
      const shape = graph.tensors[graph.input]!.shape;
      const model = writeTflite(calibrate(tf, graph, calibration), { io: 'float32' });
      const result = runCheckTflite(
        checkScript,
        path.join(dir, 'check'),
        model,
        evaluation,
        [shape[1]!, shape[2]!],
        labels,
      );
      console.log(
        `check_tflite.py: ${Object.entries(result)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      );
      expect(result).toMatchObject({
        dtype_in: 'float32',
        dtype_out: 'float32',
        n: '100',
        raw_bytes: String(model.length),
      });
      expect(Number(result.interp_acc)).toBeGreaterThanOrEqual(95);
    });

    describe('zoo models read from their TF.js files', () => {
      const frames: [number, number, 1] = [49, 10, 1];
      const zoo: { name: string; spec: ModelSpec; merge?: boolean }[] = [
        { name: 'tiny_conv', spec: { kind: 'tiny_conv', dropout: 0.5 } },
        { name: 'conv', spec: { kind: 'conv', dropout: 0.5 } },
        { name: 'low_latency_conv', spec: { kind: 'low_latency_conv', dropout: 0.5 } },
        {
          name: 'ds_cnn',
          spec: {
            kind: 'ds_cnn',
            firstConv: { filters: 16, kernel: [10, 4], stride: [2, 2] },
            blocks: [16, 24, 24],
            blockKernel: [3, 3],
            widthMultiplier: 1,
            dropout: 0.2,
          },
        },
        {
          name: 'rep_inception (reparameterized)',
          merge: true,
          spec: {
            kind: 'rep_inception',
            firstConv: { filters: 12, kernel: [10, 4], stride: [2, 2] },
            blocks: [12, 16],
            branchKernels: [3, 5, 9],
            widthMultiplier: 1,
            dropout: 0.2,
          },
        },
      ];

      /** Noise with a per-input gain and per-bin offsets, so pooled models do not average to one answer. */
      function features(count: number, seed: number): Float32Array[] {
        const x = tf.tidy(() =>
          tf
            .randomNormal([count, ...frames], 0, 1, 'float32', seed)
            .mul(tf.randomUniform([count, 1, 1, 1], 0.5, 3, 'float32', seed + 1))
            .add(tf.randomUniform([count, 1, frames[1], 1], -2, 2, 'float32', seed + 2)),
        ) as tfjs.Tensor4D;
        const data = x.dataSync() as Float32Array;
        x.dispose();
        const size = frames[0] * frames[1];
        return Array.from({ length: count }, (_, i) => data.slice(i * size, (i + 1) * size));
      }

      /**
       * Moves batch norms and biases off their initial values (else an untrained DS-CNN answers every
       * input alike): random γ, β and biases, then moving statistics from training-mode passes.
       */
      function randomizeState(model: KwsModel, seed: number): void {
        const weights = model.getWeights();
        let n = 0;
        for (const [weightName, tensor] of weights) {
          const kind = ['gamma', 'beta', 'bias'].find((k) => weightName.endsWith(`/${k}`));
          if (!kind) continue;
          const random = tf.randomUniform(tensor.shape, 0, 1, 'float32', seed + n++);
          weights.set(
            weightName,
            tf.tidy(() => (kind === 'gamma' ? random.mul(1.5).add(0.25) : random.sub(0.5))),
          );
          tf.dispose([random, tensor]);
        }
        model.setWeights(weights);
        tf.dispose([...weights.values()]);
        if (model.state.length === 0) return;
        const x = tf.tensor4d(Float32Array.from(features(32, seed).flatMap((f) => Array.from(f))), [32, ...frames]);
        for (let pass = 0; pass < 20; pass++) tf.tidy(() => void model.apply(x, true, pass));
        x.dispose();
      }

      for (const [index, { name, spec, merge }] of zoo.entries()) {
        it(`${name}: the float file matches the graph, the int8 file its decisions`, async () => {
          const built = buildModel(tf, spec, frames, 6, 40 + index);
          randomizeState(built, 700 + index);
          const model = merge ? reparameterize(tf, built) : built;
          const target = path.join(dir, `zoo-${index}`);
          await saveTfjsModel(model, target);
          model.dispose();
          if (model !== built) built.dispose();
          const graph = readTfjsGraph(path.join(target, 'model.json'));
          const evaluation = features(100, 500 + index);
          const classes = graph.tensors[graph.output]!.shape[1]!;
          const float = runGraphFloat(tf, graph, evaluation).probabilities;
          const none = { warmup: 0, runs: 0 };
          const floatRun = runTfliteReference(
            dir,
            `zoo-${index}-float`,
            writeTflite(graph, { io: 'float32' }),
            evaluation,
            frames.slice(0, 2),
            none,
          );
          for (const resolver of ['default', 'builtin_ref'] as const)
            expect(maxDifference(floatRun.resolvers[resolver].outputs, float)).toBeLessThan(1e-4);

          const quantized = calibrate(tf, graph, features(100, 900 + index));
          const int8Run = runTfliteReference(
            dir,
            `zoo-${index}-int8`,
            writeTflite(quantized, { io: 'float32' }),
            evaluation,
            frames.slice(0, 2),
            none,
          );
          const int8 = int8Run.resolvers.builtin_ref.outputs;
          // An untrained model often hesitates between classes: judge decisions only where the float
          // model's top two are more than two output steps (2/256) apart.
          let decided = 0;
          let same = 0;
          for (let row = 0; row < evaluation.length; row++) {
            const sorted = Array.from(float.subarray(row * classes, (row + 1) * classes)).sort((a, b) => b - a);
            if (sorted[0]! - sorted[1]! <= 2 / 256) continue;
            decided++;
            if (argmax(int8, row, classes) === argmax(float, row, classes)) same++;
          }
          const difference = maxDifference(int8, float);
          console.log(
            `zoo ${name}: float max |Δp| ${maxDifference(floatRun.resolvers.builtin_ref.outputs, float).toExponential(2)}; int8 ${same}/${decided} decided inputs agree, max |Δp| ${difference.toFixed(4)}, ${int8Run.bytes} bytes (float ${floatRun.bytes})`,
          );
          expect(decided).toBeGreaterThanOrEqual(20);
          expect(same / decided).toBeGreaterThanOrEqual(0.95);
          expect(builtinOps(int8Run.resolvers.builtin_ref)).toEqual([
            'QUANTIZE',
            ...builtinOps(floatRun.resolvers.builtin_ref),
            'DEQUANTIZE',
          ]);
        });
      }
    });
  },
);
