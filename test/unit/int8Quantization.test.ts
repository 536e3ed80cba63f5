import { describe, expect, it } from 'vitest';
import type { TensorRange } from '../../src-main/services/optimize/graph/runGraphFloat.ts';
import { activationQuantization } from '../../src-main/services/optimize/quantize/activationQuantization.ts';
import { quantizeGraph } from '../../src-main/services/optimize/quantize/quantizeGraph.ts';
import { quantizeWeights } from '../../src-main/services/optimize/quantize/quantizeWeights.ts';
import { writeTflite } from '../../src-main/services/export/tflite/writeTflite.ts';
import { GraphBuilder } from '../support/randomDeployGraph.ts';

// TFLite's int8 rules, number by number; the files themselves are run by TensorFlow's interpreter in
// test/integration/tfliteExport.test.ts.

describe('activation quantization', () => {
  it('widens the range to include zero and puts zero on an integer', () => {
    expect(activationQuantization({ min: -1, max: 3 })).toEqual({ scale: Math.fround(4 / 255), zeroPoint: -64 });
    // A ReLU output: zero is the lowest value.
    expect(activationQuantization({ min: 0.5, max: 2 })).toEqual({ scale: Math.fround(2 / 255), zeroPoint: -128 });
    expect(activationQuantization({ min: -3, max: -1 })).toEqual({ scale: Math.fround(3 / 255), zeroPoint: 127 });
    // The converter's example: min −1.9280944, scale 0.015229… → zero point −1.
    expect(activationQuantization({ min: -1.9280944, max: 1.9553081 }).zeroPoint).toBe(-1);
    // A dead tensor still gets a usable scale.
    expect(activationQuantization({ min: 0, max: 0 })).toEqual({ scale: 1, zeroPoint: -128 });
  });
});

describe('per-channel weights', () => {
  it('scales each output channel to ±127 with zero point 0 and rounds the bias to input × weight scale', () => {
    // Conv filter [out 2, kh 1, kw 2, in 1]: channel 0 = [0.25, −1], channel 1 = [0.02, 0.005].
    const q = quantizeWeights(
      Float32Array.of(0.25, -1, 0.02, 0.005),
      [2, 1, 2, 1],
      0,
      Float32Array.of(0.1, -0.2),
      0.05,
    );
    expect(Array.from(q.values)).toEqual([32, -127, 127, 32]);
    expect(q.scales[0]).toBeCloseTo(1 / 127, 9);
    expect(q.scales[1]).toBeCloseTo(0.02 / 127, 9);
    expect(q.biasScales[0]).toBe(Math.fround(Math.fround(0.05) * q.scales[0]!));
    expect(q.bias[0]).toBe(Math.round(0.1 / q.biasScales[0]!));
    expect(q.bias[1]).toBe(-Math.round(0.2 / q.biasScales[1]!));
    expect(q.channelAxis).toBe(0);
  });

  it('runs depthwise channels along the last axis', () => {
    // [1, kh 2, kw 1, channels 3]: element i belongs to channel i % 3.
    const filter = Float32Array.of(1, 0.05, -4, -0.25, 0.2, 1);
    const q = quantizeWeights(filter, [1, 2, 1, 3], 3, new Float32Array(3), 0.1);
    expect(Array.from(q.values)).toEqual([127, 32, -127, -32, 127, 32]);
    expect(Array.from(q.scales)).toEqual(Array.from(Float32Array.of(1 / 127, 0.2 / 127, 4 / 127)));
  });

  it('gives an all-zero channel the converter’s smallest scale, and raises it when the bias would overflow', () => {
    const q = quantizeWeights(new Float32Array(4), [2, 1, 1, 2], 0, Float32Array.of(0, 0.3), 0.0225);
    expect(Array.from(q.values)).toEqual([0, 0, 0, 0]);
    expect(q.scales[0]).toBe(Math.fround(5e-7 / 127));
    // TF 2.21 wrote this case as bias 2^30 with the weight scale raised to match.
    expect(q.bias[1]).toBeGreaterThan(2 ** 30 - 64);
    expect(q.bias[1]).toBeLessThanOrEqual(2 ** 30 + 64);
    expect(Math.abs(q.bias[1]! * q.biasScales[1]! - 0.3)).toBeLessThan(1e-6);
  });
});

describe('quantizeGraph', () => {
  function graph() {
    const b = new GraphBuilder([6, 4], 3);
    const conv = b.conv2d('conv', b.input, 4, [3, 3], [1, 1], 'same', 'relu');
    const pooled = b.maxPool('pool', conv, [2, 2], [2, 2], 'valid');
    b.flatten('flatten', pooled); // a side branch: reshape's parameters are still checked
    const mean = b.mean('gap', pooled);
    return b.finish(b.dense('dense', mean, 3, 'none'));
  }
  const ranges = (count: number): TensorRange[] =>
    Array.from({ length: count }, (_, i) => ({ min: -1 - i * 0.1, max: 2 + i * 0.3 }));

  it('keeps the input’s parameters through max pool and reshape, calibrates MEAN, fixes softmax', () => {
    const g = graph();
    const q = quantizeGraph(g, ranges(g.tensors.length), 10);
    const id = (name: string) => g.tensors.find((t) => t.name === name)!.id;
    expect(q.activations[id('pool')]).toEqual(q.activations[id('conv')]);
    expect(q.activations[id('flatten')]).toEqual(q.activations[id('conv')]);
    expect(q.activations[id('gap')]).toEqual(activationQuantization(ranges(g.tensors.length)[id('gap')]!));
    expect(q.activations[id('gap')]).not.toEqual(q.activations[id('pool')]);
    expect(q.activations[g.output]).toEqual({ scale: 1 / 256, zeroPoint: -128 });
    expect(q.weights.map((w) => w?.channelAxis ?? null)).toEqual([0, null, null, null, 0, null]);
    expect(q.calibrationInputs).toBe(10);
    // The dense layer's bias scale uses the MEAN output's scale.
    expect(q.weights[4]!.biasScales[0]).toBe(Math.fround(q.activations[id('gap')]!.scale * q.weights[4]!.scales[0]!));
    // Deterministic: the same inputs give the same file.
    expect(writeTflite(quantizeGraph(g, ranges(g.tensors.length), 10), { io: 'int8' })).toEqual(
      writeTflite(q, { io: 'int8' }),
    );
  });

  it('refuses an empty calibration and tensors no input reached', () => {
    const g = graph();
    expect(() => quantizeGraph(g, ranges(g.tensors.length), 0)).toThrow(/^no calibration inputs/);
    expect(() => quantizeGraph(g, ranges(2), 5)).toThrow(/2 calibrated ranges for a graph of 7 tensors/);
    const unreached = ranges(g.tensors.length);
    unreached[2] = { min: Infinity, max: -Infinity };
    expect(() => quantizeGraph(g, unreached, 5)).toThrow(
      /tensor pool has no usable calibrated range.*no calibration input reached it/,
    );
  });
});

describe('writeTflite', () => {
  const b = new GraphBuilder([4, 4], 5);
  const g = b.finish(b.dense('dense', b.flatten('flatten', b.input), 2, 'none'));

  it('writes a TFL3 flatbuffer, the same bytes every time', () => {
    const bytes = writeTflite(g, { io: 'float32' });
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('TFL3');
    expect(bytes.length % 16).toBe(0);
    expect(writeTflite(g, { io: 'float32' })).toEqual(bytes);
  });

  it('says what is wrong with a model it cannot write', () => {
    expect(() => writeTflite(g, { io: 'int8' })).toThrow(/a float model cannot take int8 input and output/);
    const q = quantizeGraph(
      g,
      g.tensors.map(() => ({ min: -1, max: 1 })),
      1,
    );
    expect(() => writeTflite({ ...q, weights: q.weights.map(() => null) }, { io: 'int8' })).toThrow(
      /layer dense \(fully_connected, op 1\) has no int8 weights/,
    );
    const bad = { ...q, activations: q.activations.map((a, i) => (i === 1 ? { ...a, zeroPoint: 200 } : a)) };
    expect(() => writeTflite(bad, { io: 'float32' })).toThrow(/tensor flatten has int8 scale .* zero point 200/);
    const short = {
      ...g,
      ops: g.ops.map((op) => (op.kind === 'fully_connected' ? { ...op, bias: new Float32Array(1) } : op)),
    };
    expect(() => writeTflite(short, { io: 'float32' })).toThrow(
      /layer dense \(fully_connected\) has 1 biases for 2 output channels/,
    );
  });
});
