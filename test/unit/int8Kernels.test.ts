import { describe, expect, it } from 'vitest';
import type { DeployGraph } from '../../src-main/services/optimize/graph/DeployGraph.ts';
import type { QuantizedGraph } from '../../src-main/services/optimize/quantize/QuantizedGraph.ts';
import { prepareAdd } from '../../src-main/services/optimize/int8/add.ts';
import { prepareConv2d } from '../../src-main/services/optimize/int8/convolution.ts';
import {
  INT32_MAX,
  INT32_MIN,
  multiplyByQuantizedMultiplier,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../src-main/services/optimize/int8/fixedPoint.ts';
import { prepareMaxPool } from '../../src-main/services/optimize/int8/maxPool.ts';
import { meanMultiplier, prepareMean } from '../../src-main/services/optimize/int8/mean.ts';
import {
  activationRangeInt8,
  quantizeMultiplier,
  quantizeToInt8,
} from '../../src-main/services/optimize/int8/quantizedMultiplier.ts';
import { runGraphInt8 } from '../../src-main/services/optimize/int8/runGraphInt8.ts';
import { prepareSoftmax } from '../../src-main/services/optimize/int8/softmax.ts';

// The int8 engine's arithmetic against values worked out by hand from TFLite's reference kernels
// (and, for the 64-bit products, against the same C++ expressions evaluated in BigInt).

/** gemmlowp's SaturatingRoundingDoublingHighMul as the C++ computes it, in 64-bit BigInt. */
function srdhmReference(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, as C++ does
}

/** A seeded int32 draw mixing small, large and extreme values. */
function int32s(count: number, seed: number): number[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) | 0;
    return state;
  };
  const extremes = [0, 1, -1, INT32_MIN, INT32_MAX, INT32_MIN + 1, 1 << 30, -(1 << 30), 65535, -65536];
  return Array.from({ length: count }, (_, i) => {
    const r = next();
    return i < extremes.length ? extremes[i]! : i % 3 === 0 ? r >> (r & 31 & 0x1f) : r;
  });
}

describe('QuantizeMultiplier', () => {
  it('splits a real multiplier into a Q0.31 significand and a power of two', () => {
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 2 ** 30, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 1610612736, shift: 0 });
    expect(quantizeMultiplier(0.125)).toEqual({ multiplier: 2 ** 30, shift: -2 });
    expect(quantizeMultiplier(3)).toEqual({ multiplier: 1610612736, shift: 2 });
  });

  it('rounds the significand half away from zero and renormalizes one that rounds up to 2^31', () => {
    // 0.5 + 2^-32: the significand · 2^31 is 2^30 + 0.5 exactly, which rounds up (half to even would not).
    expect(quantizeMultiplier(0.5 + 2 ** -32)).toEqual({ multiplier: 2 ** 30 + 1, shift: 0 });
    // 1 − 2^-33: 2^31 − 0.25 rounds to 2^31, which becomes 2^30 with the shift one larger.
    expect(quantizeMultiplier(1 - 2 ** -33)).toEqual({ multiplier: 2 ** 30, shift: 1 });
  });

  it('flushes multipliers below 2^-32 to zero and keeps 2^-32 itself', () => {
    expect(quantizeMultiplier(2 ** -32)).toEqual({ multiplier: 2 ** 30, shift: -31 });
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 });
  });

  it('refuses a negative or non-finite multiplier', () => {
    expect(() => quantizeMultiplier(-0.5)).toThrow(/multiplier -0.5/);
    expect(() => quantizeMultiplier(Number.NaN)).toThrow(/multiplier NaN/);
  });
});

describe('fixed-point primitives', () => {
  it('SaturatingRoundingDoublingHighMul rounds halves up and saturates INT32_MIN²', () => {
    expect(saturatingRoundingDoublingHighMul(1, 2 ** 30)).toBe(1); // 0.5 → 1
    expect(saturatingRoundingDoublingHighMul(-1, 2 ** 30)).toBe(0); // −0.5 → 0
    expect(saturatingRoundingDoublingHighMul(-3, 2 ** 30)).toBe(-1); // −1.5 → −1
    expect(saturatingRoundingDoublingHighMul(2 ** 30, 2 ** 30)).toBe(2 ** 29);
    expect(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
    expect(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MAX)).toBe(-INT32_MAX);
  });

  it('SaturatingRoundingDoublingHighMul matches the 64-bit C++ on products beyond 2^53', () => {
    const values = int32s(3000, 7);
    for (let i = 0; i < values.length; i++) {
      const a = values[i]!;
      const b = values[(i * 7 + 3) % values.length]!;
      expect(saturatingRoundingDoublingHighMul(a, b), `${a} × ${b}`).toBe(srdhmReference(a, b));
    }
  });

  it('RoundingDivideByPOT rounds to nearest with halves away from zero', () => {
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(-4, 1)).toBe(-2);
    expect(roundingDivideByPOT(7, 2)).toBe(2);
    expect(roundingDivideByPOT(-6, 2)).toBe(-2);
    expect(roundingDivideByPOT(-7, 2)).toBe(-2);
    expect(roundingDivideByPOT(INT32_MAX, 31)).toBe(1);
    expect(roundingDivideByPOT(INT32_MIN, 31)).toBe(-1);
    expect(roundingDivideByPOT(-(2 ** 30), 31)).toBe(-1); // −0.5 → −1
    expect(roundingDivideByPOT(2 ** 30 - 1, 31)).toBe(0);
  });

  it('MultiplyByQuantizedMultiplier rounds twice, as TFLite built without single rounding does', () => {
    // 5 · 0.25: 5 · 0.5 = 2.5 rounds to 3, then 3 / 2 = 1.5 rounds to 2 (a single rounding gives 1).
    expect(multiplyByQuantizedMultiplier(5, 2 ** 30, -1)).toBe(2);
    expect(multiplyByQuantizedMultiplier(100, 2 ** 30, 0)).toBe(50);
    expect(multiplyByQuantizedMultiplier(-3, 2 ** 30, 0)).toBe(-1); // −1.5 → −1 (the high mul rounds half up)
    expect(multiplyByQuantizedMultiplier(-3, 2 ** 30, -1)).toBe(-1); // −1 / 2 → −1 (away from zero)
    expect(multiplyByQuantizedMultiplier(3, 2 ** 30, 2)).toBe(6); // left shift first: 12 · 0.5
    // A left shift that overflows int32 wraps as the C++ does: 2^30 · 4 = 2^32 ≡ 0.
    expect(multiplyByQuantizedMultiplier(2 ** 30, 2 ** 30, 2)).toBe(0);
  });
});

describe('quantization of values and activation ranges', () => {
  it('quantizes in float32 with halves away from zero, clamped to int8', () => {
    expect(quantizeToInt8(2.5, 1, 0)).toBe(3);
    expect(quantizeToInt8(-2.5, 1, 0)).toBe(-3);
    expect(quantizeToInt8(0.25, 0.1, -128)).toBe(-125); // 2.5 → 3
    expect(quantizeToInt8(1000, 0.5, 10)).toBe(127);
    expect(quantizeToInt8(-1000, 0.5, 10)).toBe(-128);
  });

  it('gives the fused activation’s quantized range', () => {
    expect(activationRangeInt8('none', 0.1, -10)).toEqual([-128, 127]);
    expect(activationRangeInt8('relu', 0.1, -10)).toEqual([-10, 127]);
    expect(activationRangeInt8('relu6', 0.1, -10)).toEqual([-10, 50]);
    expect(activationRangeInt8('relu6', 0.01, -128)).toEqual([-128, 127]);
    expect(activationRangeInt8('relu', 0.1, -200)).toEqual([-128, 127]);
  });
});

const q = (scale: number, zeroPoint: number) => ({ scale, zeroPoint });

describe('CONV_2D', () => {
  it('computes a 1-channel valid convolution with its bias, offsets and double rounding', () => {
    // Input 3×3 (zero point 1, so the shifted values are 0…8), filter [[1, 2], [3, −1]], bias 4.
    // Accumulators 11, 16, 26, 31; multiplier 0.5 · 0.25 / 1 = 0.125 (2^30, shift −2):
    // 11 → high mul 6 → 6/4 = 1.5 → 2; 16 → 2; 26 → 13/4 → 3; 31 → 16/4 → 4; output zero point −3.
    const kernel = prepareConv2d(
      {
        kind: 'conv2d',
        layer: 'conv',
        input: 0,
        output: 1,
        filter: new Float32Array(4),
        filterShape: [1, 2, 2, 1],
        bias: new Float32Array(1),
        stride: [1, 1],
        padding: 'valid',
        activation: 'none',
      },
      {
        values: Int8Array.of(1, 2, 3, -1),
        scales: Float32Array.of(0.25),
        bias: Int32Array.of(4),
        biasScales: Float32Array.of(0.125),
        channelAxis: 0,
      },
      [1, 3, 3, 1],
      [1, 2, 2, 1],
      q(0.5, 1),
      q(1, -3),
    );
    const tensors = [Int8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), new Int8Array(4)];
    kernel(tensors);
    expect([...tensors[1]!]).toEqual([-1, -1, 0, 1]);
  });

  it('skips taps outside the image with SAME padding (as if padded with the zero point) and clamps ReLU', () => {
    // 3×3 ones filter, stride 2, SAME: 2×2 outputs, one row and column of padding before.
    // Shifted input 0…8 (zero point 1): window sums 0+1+3+4, 1+2+4+5, 3+4+6+7, 4+5+7+8, minus a bias of 10.
    const kernel = prepareConv2d(
      {
        kind: 'conv2d',
        layer: 'conv',
        input: 0,
        output: 1,
        filter: new Float32Array(9),
        filterShape: [1, 3, 3, 1],
        bias: new Float32Array(1),
        stride: [2, 2],
        padding: 'same',
        activation: 'relu',
      },
      {
        values: new Int8Array(9).fill(1),
        scales: Float32Array.of(1),
        bias: Int32Array.of(-10),
        biasScales: Float32Array.of(1),
        channelAxis: 0,
      },
      [1, 3, 3, 1],
      [1, 2, 2, 1],
      q(1, 1),
      q(1, 5),
    );
    const tensors = [Int8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), new Int8Array(4)];
    kernel(tensors);
    // 8 − 10 = −2 + 5 = 3, but ReLU's floor is the zero point 5; 12−10+5 = 7; 20−10+5 = 15; 24−10+5 = 19.
    expect([...tensors[1]!]).toEqual([5, 7, 15, 19]);
  });

  it('names the op when its output shape is not what TFLite computes', () => {
    expect(() =>
      prepareConv2d(
        {
          kind: 'conv2d',
          layer: 'block1/conv',
          input: 0,
          output: 1,
          filter: new Float32Array(4),
          filterShape: [1, 2, 2, 1],
          bias: new Float32Array(1),
          stride: [1, 1],
          padding: 'valid',
          activation: 'none',
        },
        {
          values: new Int8Array(4),
          scales: Float32Array.of(1),
          bias: new Int32Array(1),
          biasScales: Float32Array.of(1),
          channelAxis: 0,
        },
        [1, 3, 3, 1],
        [1, 3, 3, 1],
        q(1, 0),
        q(1, 0),
      ),
    ).toThrow(/op "block1\/conv" has output height 3, TFLite's arithmetic gives 2/);
  });
});

describe('ADD', () => {
  // Input scales 0.5 (zero point 0) and 0.25 (zero point 10), output 1 (zero point −5): twice the larger
  // input scale is 1, so the input multipliers are 0.5 and 0.25 and the output's is 2^-20.
  const add = (activation: 'none' | 'relu') =>
    prepareAdd(
      { kind: 'add', layer: 'add', inputs: [0, 1], output: 2, activation },
      3,
      q(0.5, 0),
      q(0.25, 10),
      q(1, -5),
    );

  it('rescales both inputs to a common scale, adds, and rescales to the output', () => {
    const tensors = [Int8Array.of(7, 3, -1), Int8Array.of(16, 11, 9), new Int8Array(3)];
    add('none')(tensors);
    // 3.5 + 1.5 = 5 → 0; 1.5 + 0.25 = 1.75 → 2 → −3; −0.5 − 0.25 = −0.75 → −1 → −6.
    expect([...tensors[2]!]).toEqual([0, -3, -6]);
  });

  it('clamps a fused ReLU at the output zero point', () => {
    const tensors = [Int8Array.of(7, 3, -1), Int8Array.of(16, 11, 9), new Int8Array(3)];
    add('relu')(tensors);
    expect([...tensors[2]!]).toEqual([0, -3, -5]);
  });
});

describe('MEAN', () => {
  it('folds 1/count into the multiplier as reference_ops::QuantizedMeanOrSum does', () => {
    // Input/output scale 2 → (2^30, shift 2); 125 values: shift 6, (2^30 << 6) / 125 = 549755813.888 → 549755813.
    expect(meanMultiplier(q(0.1, 0), q(0.05, 0), 125)).toEqual({ multiplier: 549755813, shift: -4 });
    // 4 values: (2^30 << 2) / 4 = 2^30, shift 2 − 2 = 0.
    expect(meanMultiplier(q(0.5, 2), q(0.25, -1), 4)).toEqual({ multiplier: 2 ** 30, shift: 0 });
  });

  it('averages over height and width with different input and output quantization', () => {
    // [1, 2, 2, 2], input 0.5 / zero point 2, output 0.25 / zero point −1.
    // Channel 0: 3, 5, 6, 2 → (16 − 8) · 0.5 / 4 = 1.0 → 4 − 1 = 3.
    // Channel 1: 2, 3, 2, 2 → (9 − 8) · 0.5 / 4 = 0.125 → 0.5 steps, rounds up → 1 − 1 = 0.
    const kernel = prepareMean(
      { kind: 'mean', layer: 'gap', input: 0, output: 1 },
      [1, 2, 2, 2],
      2,
      q(0.5, 2),
      q(0.25, -1),
    );
    const tensors = [Int8Array.of(3, 2, 5, 3, 6, 2, 2, 2), new Int8Array(2)];
    kernel(tensors);
    expect([...tensors[1]!]).toEqual([3, 0]);
  });

  it('divides by a count that is not a power of two', () => {
    // Scale 1 → (2^30, shift 1); 3 values: shift 1, 2^31 / 3 = 715827882, shift 0.
    const kernel = prepareMean({ kind: 'mean', layer: 'gap', input: 0, output: 1 }, [1, 1, 3, 3], 3, q(1, 0), q(1, 0));
    const tensors = [Int8Array.of(1, 1, 0, 2, 1, 0, 4, 3, -5), new Int8Array(3)];
    kernel(tensors);
    // 7 / 3 = 2.33 → 2; 5 / 3 = 1.67 → 2; −5 / 3 = −1.67 → −2.
    expect([...tensors[1]!]).toEqual([2, 2, -2]);
  });
});

describe('MAX_POOL_2D', () => {
  it('takes the largest in-image value of each window', () => {
    const kernel = prepareMaxPool(
      { kind: 'max_pool2d', layer: 'pool', input: 0, output: 1, filter: [2, 2], stride: [2, 2], padding: 'same' },
      [1, 3, 3, 1],
      [1, 2, 2, 1],
    );
    const tensors = [Int8Array.of(-100, -90, -80, -70, -60, -50, -40, -30, -120), new Int8Array(4)];
    kernel(tensors);
    expect([...tensors[1]!]).toEqual([-60, -50, -30, -120]);
  });
});

describe('SOFTMAX', () => {
  const softmax = (classes: number, inputScale: number) =>
    prepareSoftmax(
      { kind: 'softmax', layer: 'softmax', input: 0, output: 1 },
      classes,
      q(inputScale, 0),
      q(1 / 256, -128),
    );

  it('stays within one output step of the float softmax', () => {
    let seed = 3;
    for (let trial = 0; trial < 200; trial++) {
      const classes = 2 + (trial % 11);
      const scale = 0.02 + (trial % 7) * 0.05;
      const logits = Int8Array.from({ length: classes }, () => {
        seed = (Math.imul(seed, 1664525) + 1013904223) | 0;
        return (seed >> 24) | 0;
      });
      const tensors = [logits, new Int8Array(classes)];
      softmax(classes, scale)(tensors);
      const max = Math.max(...logits);
      const exps = [...logits].map((v) => Math.exp((v - max) * Math.fround(scale)));
      const sum = exps.reduce((a, b) => a + b, 0);
      exps.forEach((e, c) => {
        expect(Math.abs(tensors[1]![c]! + 128 - (e / sum) * 256), `class ${c} of ${[...logits]}`).toBeLessThanOrEqual(
          1,
        );
      });
    }
  });

  it('refuses an output quantization other than 1/256, −128', () => {
    expect(() =>
      prepareSoftmax({ kind: 'softmax', layer: 'probs', input: 0, output: 1 }, 3, q(0.1, 0), q(1 / 128, -128)),
    ).toThrow(/op "probs" needs the softmax output quantization 1\/256/);
  });
});

/** input [1, 2, 2, 1] → 1×1 conv (2 filters) → reshape [1, 8] → dense 3 → softmax. */
function tinyModel(): QuantizedGraph {
  const graph: DeployGraph = {
    tensors: [
      { id: 0, name: 'input', shape: [1, 2, 2, 1] },
      { id: 1, name: 'conv', shape: [1, 2, 2, 2] },
      { id: 2, name: 'flatten', shape: [1, 8] },
      { id: 3, name: 'dense', shape: [1, 3] },
      { id: 4, name: 'probabilities', shape: [1, 3] },
    ],
    ops: [
      {
        kind: 'conv2d',
        layer: 'conv',
        input: 0,
        output: 1,
        filter: new Float32Array(2),
        filterShape: [2, 1, 1, 1],
        bias: new Float32Array(2),
        stride: [1, 1],
        padding: 'same',
        activation: 'relu',
      },
      { kind: 'reshape', layer: 'flatten', input: 1, output: 2 },
      {
        kind: 'fully_connected',
        layer: 'dense',
        input: 2,
        output: 3,
        weights: new Float32Array(24),
        weightsShape: [3, 8],
        bias: new Float32Array(3),
        activation: 'none',
      },
      { kind: 'softmax', layer: 'softmax', input: 3, output: 4 },
    ],
    input: 0,
    logits: 3,
    output: 4,
  };
  return {
    graph,
    activations: [q(0.1, 0), q(0.1, -128), q(0.1, -128), q(0.2, 0), q(1 / 256, -128)],
    weights: [
      {
        values: Int8Array.of(127, -64),
        scales: Float32Array.of(1 / 127, 1 / 64),
        bias: Int32Array.of(0, 0),
        biasScales: Float32Array.of(0.1 / 127, 0.1 / 64),
        channelAxis: 0,
      },
      null,
      {
        // Class 0 sums the first filter's four outputs, class 1 the second's, class 2 nothing.
        values: Int8Array.from({ length: 24 }, (_, i) =>
          i < 8 ? (i % 2 === 0 ? 127 : 0) : i < 16 ? (i % 2 === 1 ? 127 : 0) : 0,
        ),
        scales: new Float32Array(3).fill(1 / 127),
        bias: new Int32Array(3),
        biasScales: new Float32Array(3).fill(0.1 / 127),
        channelAxis: 0,
      },
      null,
    ],
    calibrationInputs: 1,
  };
}

describe('runGraphInt8', () => {
  it('quantizes float inputs, runs every op and returns logits, softmax and argmax per input', () => {
    // Input 1.0 everywhere: filter 0 passes x (1.0), filter 1 gives −x, cut by ReLU. Class 0's logit is
    // 4 · 1.0 = 4 → 20 steps of 0.2; class 1 gets 0; class 2 gets 0. A negative input flips it.
    const { predictions, logits, probabilities, outputs } = runGraphInt8(tinyModel(), [
      new Float32Array(4).fill(1),
      new Float32Array(4).fill(-1),
      new Float32Array(4),
    ]);
    expect([...logits]).toEqual([20, 0, 0, 0, 20, 0, 0, 0, 0]);
    expect([...predictions]).toEqual([0, 1, 0]); // all-equal logits: the lowest index, as numpy's argmax
    expect(probabilities.length).toBe(9);
    for (let i = 0; i < 9; i++) expect(probabilities[i]).toBeCloseTo((outputs[i]! + 128) / 256, 7);
    // softmax(4, 0, 0) ≈ 0.965, 0.018, 0.018; a uniform row is 1/3 each.
    expect(probabilities[0]).toBeCloseTo(0.965, 2);
    expect(probabilities[6]).toBeCloseTo(1 / 3, 2);
  });

  it('names the input whose size does not fit the model', () => {
    expect(() => runGraphInt8(tinyModel(), [new Float32Array(4), new Float32Array(5)])).toThrow(
      /input 1 has 5 values, the model takes 4 \(\[1, 2, 2, 1\]\)/,
    );
  });

  it('names a tensor without int8 quantization and an op without weights', () => {
    const noScale = tinyModel();
    noScale.activations[2] = { scale: 0, zeroPoint: 0 };
    expect(() => runGraphInt8(noScale, [])).toThrow(/tensor 2 \("flatten"\) has no valid int8 quantization/);
    const noWeights = tinyModel();
    noWeights.weights[2] = null;
    expect(() => runGraphInt8(noWeights, [])).toThrow(/op 2 \("dense", fully_connected\) has no int8 weights/);
  });
});
