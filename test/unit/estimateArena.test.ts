import { describe, expect, it } from 'vitest';
import { estimateArena, planGreedy } from '../../src-main/services/export/tflm/estimateArena.ts';
import type { DeployGraph, GraphOp, GraphTensor } from '../../src-main/services/optimize/graph/DeployGraph.ts';

// Hand-made graphs: weights are never read by the estimate, so they are left empty.
const none = new Float32Array(0);

function conv(input: number, output: number, outChannels: number, inChannels: number): GraphOp {
  return {
    kind: 'conv2d',
    layer: `conv${output}`,
    input,
    output,
    filter: none,
    filterShape: [outChannels, 3, 3, inChannels],
    bias: none,
    stride: [1, 1],
    padding: 'same',
    activation: 'relu',
  };
}

function tensors(shapes: number[][]): GraphTensor[] {
  return shapes.map((shape, id) => ({ id, name: `t${id}`, shape }));
}

/** input → conv → depthwise → conv → mean → fully connected → softmax. */
const chain: DeployGraph = {
  tensors: tensors([
    [1, 10, 10, 1], // 100 values: the input
    [1, 10, 10, 8], // 800
    [1, 10, 10, 8], // 800
    [1, 5, 5, 16], // 400
    [1, 16],
    [1, 3],
    [1, 3],
  ]),
  ops: [
    conv(0, 1, 8, 1),
    {
      kind: 'depthwise_conv2d',
      layer: 'dw',
      input: 1,
      output: 2,
      filter: none,
      filterShape: [1, 3, 3, 8],
      bias: none,
      stride: [1, 1],
      padding: 'same',
      activation: 'relu',
    },
    { ...(conv(2, 3, 16, 8) as Extract<GraphOp, { kind: 'conv2d' }>), stride: [2, 2] },
    { kind: 'mean', layer: 'pool', input: 3, output: 4 },
    {
      kind: 'fully_connected',
      layer: 'fc',
      input: 4,
      output: 5,
      weights: none,
      weightsShape: [3, 16],
      bias: none,
      activation: 'none',
    },
    { kind: 'softmax', layer: 'softmax', input: 5, output: 6 },
  ],
  input: 0,
  logits: 5,
  output: 6,
};

/** A residual branch: t1 feeds a conv pair and, later, the add, so it stays alive across the pair. */
const branch: DeployGraph = {
  tensors: tensors([
    [1, 8, 8, 1], // 64: the input
    [1, 8, 8, 16], // 1024, the branch
    [1, 8, 8, 4], // 256
    [1, 8, 8, 16], // 1024
    [1, 8, 8, 16], // 1024: t1 + t3
    [1, 16],
    [1, 3],
    [1, 3],
  ]),
  ops: [
    conv(0, 1, 16, 1),
    conv(1, 2, 4, 16),
    conv(2, 3, 16, 4),
    { kind: 'add', layer: 'add', inputs: [1, 3], output: 4, activation: 'relu' },
    { kind: 'mean', layer: 'pool', input: 4, output: 5 },
    {
      kind: 'fully_connected',
      layer: 'fc',
      input: 5,
      output: 6,
      weights: none,
      weightsShape: [3, 16],
      bias: none,
      activation: 'none',
    },
    { kind: 'softmax', layer: 'softmax', input: 6, output: 7 },
  ],
  input: 0,
  logits: 6,
  output: 7,
};

const int8 = (): number => 1;
const float32 = (): number => 4;

describe('estimateArena', () => {
  it('needs the two largest adjacent tensors of a chain', () => {
    // The input dies after the first conv (TFLM reuses it); the int8 MEAN's scratch (16 × int32) and
    // the small tensors fit in the gaps.
    expect(estimateArena(chain, int8).activationBytes).toBe(800 + 800);
    // Float: every tensor 4 bytes a value, and no MEAN scratch.
    expect(estimateArena(chain, float32).activationBytes).toBe(3200 + 3200);
  });

  it('keeps a branch alive until the add that reads it', () => {
    // At the second conv and at the add, three 1024-byte tensors are alive at once; a chain would need two.
    expect(estimateArena(branch, int8).activationBytes).toBe(3 * 1024);
  });

  it('plans the float tensors on both sides of QUANTIZE and DEQUANTIZE', () => {
    // 400 values in, averaged to one: the input side is the peak.
    const wide: DeployGraph = {
      tensors: tensors([
        [1, 20, 20, 1],
        [1, 20, 20, 1],
        [1, 1],
        [1, 3],
        [1, 3],
      ]),
      ops: [
        conv(0, 1, 1, 1),
        { kind: 'mean', layer: 'pool', input: 1, output: 2 },
        {
          ...(chain.ops[4] as Extract<GraphOp, { kind: 'fully_connected' }>),
          input: 2,
          output: 3,
          weightsShape: [3, 1],
        },
        { kind: 'softmax', layer: 'softmax', input: 3, output: 4 },
      ],
      input: 0,
      logits: 3,
      output: 4,
    };
    expect(estimateArena(wide, int8).activationBytes).toBe(400 + 400);
    // QUANTIZE reads the float input (1600 B) while writing the int8 one (400 B).
    expect(estimateArena(wide, int8, { floatEdges: true }).activationBytes).toBe(1600 + 400);
  });

  it('adds an overhead allowance for tensors, ops and int8 per-channel data', () => {
    const int8Chain = estimateArena(chain, int8);
    // 1 KiB + 32 B × (7 activations + 9 constants) + 128 B × 6 ops + 8 B × (8 + 8 + 16 + 3) channels.
    expect(int8Chain.overheadBytes).toBe(1024 + 32 * 16 + 128 * 6 + 8 * 35);
    expect(int8Chain.totalBytes).toBe(int8Chain.activationBytes + int8Chain.overheadBytes);
    // Float kernels keep no per-channel multipliers.
    expect(estimateArena(chain, float32).overheadBytes).toBe(1024 + 32 * 16 + 128 * 6);
    // QUANTIZE and DEQUANTIZE: two more ops and two more tensors.
    expect(estimateArena(chain, int8, { floatEdges: true }).overheadBytes).toBe(
      int8Chain.overheadBytes + 2 * 128 + 2 * 32,
    );
  });

  it('says which tensor is read before it is written', () => {
    const broken: DeployGraph = { ...chain, ops: [chain.ops[1]!, chain.ops[0]!, ...chain.ops.slice(2)] };
    expect(() => estimateArena(broken, int8)).toThrow('Op 0 reads tensor 1 (t1) before any op writes it.');
    expect(() => estimateArena(chain, () => 0)).toThrow('Tensor 0 (t0) has 0 bytes per value.');
  });
});

describe('planGreedy', () => {
  it('reuses memory of buffers whose lifetimes do not overlap', () => {
    expect(
      planGreedy([
        { size: 100, first: 0, last: 1 },
        { size: 100, first: 2, last: 3 },
      ]),
    ).toBe(100);
    expect(
      planGreedy([
        { size: 100, first: 0, last: 2 },
        { size: 100, first: 2, last: 3 },
      ]),
    ).toBe(200);
  });

  it('fills a gap left between placed buffers', () => {
    // A and B share offset 0 (never alive together), C sits above both at 400; at time 1 the 100 bytes
    // between B's end (300) and C (400) are free, and D fits there instead of going on top (750).
    expect(
      planGreedy([
        { size: 400, first: 0, last: 0 },
        { size: 300, first: 1, last: 1 },
        { size: 250, first: 0, last: 1 },
        { size: 100, first: 1, last: 1 },
      ]),
    ).toBe(650);
  });
});
