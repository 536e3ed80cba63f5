import type { SoftmaxOp } from '../graph/DeployGraph.ts';
import {
  INT32_MAX,
  INT32_MIN,
  multiplyByQuantizedMultiplierGreaterThanOne,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul as mul,
} from './fixedPoint.ts';
import type { Int8Kernel, Int8Quantization } from './Int8Kernel.ts';
import { quantizeMultiplier } from './quantizedMultiplier.ts';

/** Softmax's scaled input differences are Q5.26; the sum of exponentials is accumulated in Q12.19. */
const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

/**
 * SOFTMAX int8 → int8 (output scale 1/256, zero point −128), beta 1, as TFLite's reference kernel
 * (reference_ops::Softmax with gemmlowp fixed point): differences from the row maximum scaled to
 * Q5.26, exp in Q0.31, the sum's reciprocal by Newton–Raphson, outputs rounded to 1/256.
 */
export function prepareSoftmax(
  op: SoftmaxOp,
  depth: number,
  input: Int8Quantization,
  output: Int8Quantization,
): Int8Kernel {
  if (Math.abs(output.scale - 1 / 256) > 0.001 / 256 || output.zeroPoint !== -128)
    throw new Error(
      `int8 engine: op "${op.layer}" needs the softmax output quantization 1/256, −128 (got ${output.scale}, ${output.zeroPoint})`,
    );
  // PreprocessSoftmaxScaling and CalculateInputRadius (activations.cc's Prepare, kReference).
  const real = Math.min(input.scale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  if (!(real > 1))
    throw new Error(`int8 engine: op "${op.layer}" has an input scale ${input.scale} too small for softmax`);
  const { multiplier, shift: leftShift } = quantizeMultiplier(real);
  const diffMin = -Math.floor(
    ((2 ** SCALED_DIFF_INTEGER_BITS - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** leftShift,
  );
  const exps = new Int32Array(depth);
  return (tensors) => {
    const x = tensors[op.input]!;
    const y = tensors[op.output]!;
    let max = -128;
    for (let c = 0; c < depth; c++) if (x[c]! > max) max = x[c]!;
    let sumOfExps = 0;
    for (let c = 0; c < depth; c++) {
      const diff = x[c]! - max;
      if (diff >= diffMin) {
        const e = expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(diff, multiplier, leftShift));
        exps[c] = e;
        sumOfExps = (sumOfExps + roundingDivideByPOT(e, ACCUMULATION_INTEGER_BITS)) | 0;
      }
    }
    const { reciprocal, bitsOverUnit } = reciprocalOf(sumOfExps, ACCUMULATION_INTEGER_BITS);
    for (let c = 0; c < depth; c++) {
      if (x[c]! - max >= diffMin) {
        const v = roundingDivideByPOT(mul(reciprocal, exps[c]!), bitsOverUnit + 31 - 8) - 128;
        y[c] = v < -128 ? -128 : v > 127 ? 127 : v;
      } else {
        y[c] = -128;
      }
    }
  };
}

/** gemmlowp's SaturatingRoundingMultiplyByPOT for a positive exponent: a saturating left shift. */
function saturatingShiftLeft(x: number, exponent: number): number {
  const threshold = 2 ** (31 - exponent) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x * 2 ** exponent;
}

/** gemmlowp's exp_on_interval_between_negative_one_quarter_and_0_excl, Q0.31 in and out. */
function expOnQuarterInterval(a: number): number {
  const constantTerm = 1895147668; // exp(−1/8)
  const oneThird = 715827883;
  const x = (a + (1 << 28)) | 0; // Taylor expansion around −1/8
  const x2 = mul(x, x);
  const x3 = mul(x2, x);
  const x4 = mul(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const poly = roundingDivideByPOT((mul((x4Over4 + x3) | 0, oneThird) + x2) | 0, 1);
  return (constantTerm + mul(constantTerm, (x + poly) | 0)) | 0;
}

/** Barrel-shifter multipliers exp(−2^k) in Q0.31 for k = −2 … 4. */
const EXP_BARREL = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242];

/** gemmlowp's exp_on_negative_values for a Q5.26 input ≤ 0; Q0.31 result. */
function expOnNegativeValues(a: number): number {
  const fractionalBits = 31 - SCALED_DIFF_INTEGER_BITS;
  const oneQuarter = 1 << (fractionalBits - 2);
  const aModQuarterMinusQuarter = ((a & (oneQuarter - 1)) - oneQuarter) | 0;
  let result = expOnQuarterInterval(saturatingShiftLeft(aModQuarterMinusQuarter, SCALED_DIFF_INTEGER_BITS));
  const remainder = (aModQuarterMinusQuarter - a) | 0;
  for (let k = -2; k <= 4; k++) {
    if (SCALED_DIFF_INTEGER_BITS > k && (remainder & (1 << (fractionalBits + k))) !== 0)
      result = mul(result, EXP_BARREL[k + 2]!);
  }
  return a === 0 ? INT32_MAX : result;
}

/** gemmlowp's one_over_one_plus_x_for_x_in_0_1: Q0.31 in and out, Newton–Raphson in Q2.29. */
function oneOverOnePlusX(a: number): number {
  const sum = a + INT32_MAX;
  const halfDenominator = Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2); // RoundingHalfSum(a, 1)
  const constant48Over17 = 1515870810;
  const constantNeg32Over17 = -1010580540;
  const oneQ2 = 1 << 29;
  let x = (constant48Over17 + mul(halfDenominator, constantNeg32Over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = mul(halfDenominator, x);
    const oneMinus = (oneQ2 - halfDenominatorTimesX) | 0;
    x = (x + saturatingShiftLeft(mul(x, oneMinus), 2)) | 0;
  }
  return saturatingShiftLeft(x, 1);
}

/** TFLite's GetReciprocal: 1/x for a Q(integerBits) x > 0, as a Q0.31 value and a power-of-two exponent. */
function reciprocalOf(x: number, integerBits: number): { reciprocal: number; bitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const shiftedSumMinusOne = (((x << headroomPlusOne) >>> 0) - 2147483648) | 0;
  return { reciprocal: oneOverOnePlusX(shiftedSumMinusOne), bitsOverUnit: integerBits - headroomPlusOne };
}
