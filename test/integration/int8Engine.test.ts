import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTflite } from '../../src-main/services/export/tflite/writeTflite.ts';
import type { DeployGraph, GraphOpKind } from '../../src-main/services/optimize/graph/DeployGraph.ts';
import { prepareGraphInt8 } from '../../src-main/services/optimize/int8/prepareGraphInt8.ts';
import { quantizeToInt8 } from '../../src-main/services/optimize/int8/quantizedMultiplier.ts';
import { runGraphInt8 } from '../../src-main/services/optimize/int8/runGraphInt8.ts';
import type { QuantizedGraph } from '../../src-main/services/optimize/quantize/QuantizedGraph.ts';
import { calibrate } from '../../src-main/services/optimize/quantize/calibrate.ts';
import { loadTensorflow, type TensorflowModule } from '../../src-main/services/tensorflow/loadTensorflow.ts';
import { readNpy, writeNpy } from '../support/npy.ts';
import { GraphBuilder } from '../support/randomDeployGraph.ts';
import { tempDir } from '../support/tempDir.ts';
import {
  hasReferencePython,
  referencePython,
  referencePythonMissing,
  runTfliteReference,
} from '../support/tfliteReference.ts';

// The studio's int8 engine against TensorFlow 2.21's interpreter with its reference kernels
// (BUILTIN_REF), on random graphs covering every op: calibrated and quantized by quantizeGraph, written
// by writeTflite with int8 I/O. Once end to end (the interpreter quantizing the float inputs itself)
// and once tensor by tensor (the interpreter keeping every intermediate tensor, fed our int8 inputs).

if (!hasReferencePython) console.warn(referencePythonMissing);
const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** DS-CNN-like: strided conv → depthwise → pointwise ×2 (ReLU, ReLU6, none) → mean → dense ReLU6 → dense. */
function dsCnnGraph(seed: number): { graph: DeployGraph; builder: GraphBuilder } {
  const b = new GraphBuilder([49, 10], seed);
  const conv = b.conv2d('conv1', b.input, 16, [10, 4], [2, 2], 'same', 'relu');
  const dw1 = b.depthwise('dw1', conv, [3, 3], [1, 1], 'same', 'relu');
  const pw1 = b.conv2d('pw1', dw1, 24, [1, 1], [1, 1], 'same', 'relu6');
  const dw2 = b.depthwise('dw2', pw1, [3, 3], [2, 2], 'same', 'relu6');
  const pw2 = b.conv2d('pw2', dw2, 24, [1, 1], [1, 1], 'valid', 'none');
  const pooled = b.mean('gap', pw2);
  const hidden = b.dense('fc1', pooled, 16, 'relu6');
  return { graph: b.finish(b.dense('logits', hidden, 8, 'none')), builder: b };
}

/** Residual: conv → depthwise → add ReLU → conv ReLU6 → add → max pools (same, valid) → strided conv → flatten → dense ×2. */
function residualGraph(seed: number): { graph: DeployGraph; builder: GraphBuilder } {
  const b = new GraphBuilder([20, 10], seed);
  const c1 = b.conv2d('conv1', b.input, 8, [3, 3], [1, 1], 'same', 'none');
  const d1 = b.depthwise('dw1', c1, [3, 3], [1, 1], 'same', 'relu');
  const s1 = b.add('add1', c1, d1, 'relu');
  const c2 = b.conv2d('conv2', s1, 8, [1, 1], [1, 1], 'valid', 'relu6');
  const s2 = b.add('add2', s1, c2, 'none');
  const p1 = b.maxPool('pool1', s2, [2, 2], [2, 2], 'same');
  const p2 = b.maxPool('pool2', p1, [3, 3], [1, 1], 'valid');
  const c3 = b.conv2d('conv3', p2, 6, [3, 2], [2, 1], 'valid', 'relu');
  const flat = b.flatten('flatten', c3);
  const hidden = b.dense('fc1', flat, 12, 'relu');
  return { graph: b.finish(b.dense('logits', hidden, 6, 'none')), builder: b };
}

/** Per-input gain and per-bin offsets on top of noise, so inputs differ in more than their noise. */
function inputs(builder: GraphBuilder, count: number, seed: number): Float32Array[] {
  const bins = builder.shape(builder.input)[2]!;
  return builder.inputs(count, seed).map((input, n) => {
    const gain = 0.5 + ((n * 7919) % 100) / 40;
    return input.map((v, i) => v * gain + Math.sin((i % bins) + n));
  });
}

function argmax(values: ArrayLike<number>, row: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (values[row * classes + c]! > values[row * classes + best]!) best = c;
  return best;
}

interface TensorDump {
  tensors: { index: number; name: string; dtype: string; shape: number[]; file: string }[];
  ops: { name: string; inputs: number[]; outputs: number[] }[];
}

/** scripts/reference/runTfliteTensors.py: every non-constant tensor under BUILTIN_REF for int8 inputs. */
function referenceTensors(dir: string, name: string, model: Uint8Array, quantized: Int8Array, shape: number[]) {
  const modelPath = path.join(dir, `${name}-tensors.tflite`);
  const inputPath = path.join(dir, `${name}-int8-inputs.npy`);
  const outDir = path.join(dir, `${name}-tensors`);
  fs.writeFileSync(modelPath, model);
  writeNpy(inputPath, quantized, shape);
  const result = spawnSync(
    referencePython,
    [path.join(repoRoot, 'scripts', 'reference', 'runTfliteTensors.py'), modelPath, inputPath, outDir],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0)
    throw new Error(`runTfliteTensors.py failed (exit ${result.status}):\n${result.stderr.slice(-4000)}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as TensorDump;
}

interface OpAgreement {
  equal: number;
  total: number;
  maxSteps: number;
}

describe.skipIf(!hasReferencePython)(
  `int8 engine against TF 2.21's reference kernels${hasReferencePython ? '' : ` (${referencePythonMissing})`}`,
  () => {
    let tf: TensorflowModule;
    const dir = tempDir('kws-int8-engine-');
    beforeAll(async () => {
      tf = (await loadTensorflow()).tf;
    });

    for (const [name, build, seed] of [
      ['ds-cnn', dsCnnGraph, 21],
      ['residual', residualGraph, 22],
    ] as const) {
      it(`${name}: bit-exact with BUILTIN_REF, tensor by tensor and end to end`, () => {
        const { graph, builder } = build(seed);
        const quantized: QuantizedGraph = calibrate(tf, graph, inputs(builder, 64, seed + 100));
        const model = writeTflite(quantized, { io: 'int8' });
        const test = inputs(builder, 100, seed + 200);
        const inputShape = graph.tensors[graph.input]!.shape;
        const classes = graph.tensors[graph.output]!.shape.at(-1)!;

        // End to end: the interpreter quantizes the float inputs itself (runTflite.py) and runs int8.
        const ours = runGraphInt8(quantized, test);
        const reference = runTfliteReference(dir, name, model, test, inputShape, { warmup: 0, runs: 0 });
        const theirs = reference.resolvers.builtin_ref.raw;
        expect(theirs).toBeInstanceOf(Int8Array);
        expect(theirs.length).toBe(ours.outputs.length);
        let equal = 0;
        let maxSteps = 0;
        for (let i = 0; i < theirs.length; i++) {
          if (theirs[i] === ours.outputs[i]) equal++;
          maxSteps = Math.max(maxSteps, Math.abs(theirs[i]! - ours.outputs[i]!));
        }
        let sameArgmax = 0;
        for (let n = 0; n < test.length; n++)
          if (argmax(ours.outputs, n, classes) === argmax(theirs, n, classes)) sameArgmax++;
        const xnnpack = reference.resolvers.default.raw;
        let xnnpackEqual = 0;
        for (let i = 0; i < xnnpack.length; i++) if (xnnpack[i] === ours.outputs[i]) xnnpackEqual++;
        console.log(
          `${name}: softmax int8 output equal to BUILTIN_REF's on ${equal}/${theirs.length} values ` +
            `(max ${maxSteps} steps), argmax agrees on ${sameArgmax}/${test.length} inputs; ` +
            `equal to the default (XNNPACK) kernels' on ${xnnpackEqual}/${xnnpack.length}`,
        );
        expect(sameArgmax / test.length).toBeGreaterThanOrEqual(0.99);
        expect(equal / theirs.length).toBeGreaterThanOrEqual(0.99);

        // Tensor by tensor: the same int8 inputs on both sides, every op's output compared.
        const prepared = prepareGraphInt8(quantized);
        const size = prepared.tensors[graph.input]!.length;
        const int8Inputs = new Int8Array(test.length * size);
        test.forEach((input, n) => {
          for (let i = 0; i < size; i++)
            int8Inputs[n * size + i] = quantizeToInt8(input[i]!, prepared.input.scale, prepared.input.zeroPoint);
        });
        const dump = referenceTensors(dir, name, model, int8Inputs, [test.length, ...inputShape]);
        const byIndex = new Map(dump.tensors.map((t) => [t.index, t]));
        const values = new Map<number, Int8Array>();
        for (const op of graph.ops) {
          const tensor = byIndex.get(op.output);
          // The writer keeps activation tensors at the graph's ids and names.
          expect(tensor?.name, `tensor ${op.output} of ${op.layer}`).toBe(graph.tensors[op.output]!.name);
          const { data } = readNpy(tensor!.file);
          expect(data).toBeInstanceOf(Int8Array);
          values.set(op.output, data as Int8Array);
        }
        const agreement = new Map<GraphOpKind, OpAgreement>();
        const logitsArgmax = { same: 0 };
        for (let n = 0; n < test.length; n++) {
          prepared.tensors[graph.input]!.set(int8Inputs.subarray(n * size, (n + 1) * size));
          prepared.run();
          for (const op of graph.ops) {
            const ourTensor = prepared.tensors[op.output]!;
            const theirTensor = values.get(op.output)!.subarray(n * ourTensor.length, (n + 1) * ourTensor.length);
            const entry = agreement.get(op.kind) ?? { equal: 0, total: 0, maxSteps: 0 };
            for (let i = 0; i < ourTensor.length; i++) {
              entry.total++;
              if (ourTensor[i] === theirTensor[i]) entry.equal++;
              entry.maxSteps = Math.max(entry.maxSteps, Math.abs(ourTensor[i]! - theirTensor[i]!));
            }
            agreement.set(op.kind, entry);
          }
          if (argmax(values.get(graph.logits)!, n, classes) === ours.predictions[n]) logitsArgmax.same++;
        }
        console.log(
          `${name}, tensor by tensor: ` +
            [...agreement].map(([kind, a]) => `${kind} ${a.equal}/${a.total} (max ${a.maxSteps})`).join(', ') +
            `; argmax of the int8 logits agrees on ${logitsArgmax.same}/${test.length}`,
        );
        for (const [kind, a] of agreement) expect(a.equal, `${kind} values equal`).toBe(a.total);
        expect(logitsArgmax.same).toBe(test.length);
      });
    }
  },
);

describe('int8 engine speed', () => {
  let tf: TensorflowModule;
  beforeAll(async () => {
    tf = (await loadTensorflow()).tf;
  });

  it('runs a DS-CNN of about 5.5 M multiply-accumulates in well under 50 ms per input', () => {
    // DS-CNN with 96 channels: 10×4 strided conv, four depthwise-separable blocks, mean, dense.
    const b = new GraphBuilder([49, 10], 5);
    let x = b.conv2d('conv1', b.input, 96, [10, 4], [2, 2], 'same', 'relu');
    for (let i = 0; i < 4; i++) {
      x = b.depthwise(`dw${i}`, x, [3, 3], [1, 1], 'same', 'relu');
      x = b.conv2d(`pw${i}`, x, 96, [1, 1], [1, 1], 'same', 'relu');
    }
    const graph = b.finish(b.dense('logits', b.mean('gap', x), 12, 'none'));
    let macs = 0;
    for (const op of graph.ops) {
      const out = graph.tensors[op.output]!.shape;
      if (op.kind === 'conv2d')
        macs += out[1]! * out[2]! * out[3]! * op.filterShape[1] * op.filterShape[2] * op.filterShape[3];
      if (op.kind === 'depthwise_conv2d') macs += out[1]! * out[2]! * out[3]! * op.filterShape[1] * op.filterShape[2];
      if (op.kind === 'fully_connected') macs += op.weightsShape[0] * op.weightsShape[1];
    }
    const quantized = calibrate(tf, graph, inputs(b, 16, 6));
    const test = inputs(b, 60, 7);
    runGraphInt8(quantized, test.slice(0, 10)); // warm-up: let V8 optimize the kernels
    const start = performance.now();
    runGraphInt8(quantized, test);
    const msPerInput = (performance.now() - start) / test.length;
    console.log(`int8 engine: ${(macs / 1e6).toFixed(2)} M MACs per input, ${msPerInput.toFixed(2)} ms per input`);
    expect(macs).toBeGreaterThan(5e6);
    expect(msPerInput).toBeLessThan(50);
  });
});
