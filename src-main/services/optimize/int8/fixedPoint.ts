/**
 * The integer primitives TFLite's reference kernels are built on (gemmlowp's fixedpoint.h and
 * TFLite's common.h, double-rounding build), on int32 values held in JS numbers. Products of two
 * int32 values do not fit a double exactly, so the one place that needs a 64-bit product splits it.
 */

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
const TWO_POW_31 = 2147483648;
const TWO_POW_30 = 1073741824;
const EXACT_LIMIT = 9007199254740992; // 2^53

/**
 * gemmlowp's SaturatingRoundingDoublingHighMul for int32 (ARM's VQRDMULH): (a·b + nudge) / 2^31
 * truncated toward zero, with nudge ±2^30 rounding to nearest; INT32_MIN·INT32_MIN saturates.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const product = a * b;
  const negative = product < 0;
  const nudge = negative ? 1 - TWO_POW_30 : TWO_POW_30;
  if (product > -EXACT_LIMIT && product < EXACT_LIMIT) {
    // Exact: |a·b| < 2^53 (the common case, e.g. a conv accumulator times a multiplier).
    return Math.trunc((product + nudge) / TWO_POW_31) | 0;
  }
  // a·b = high·2^16 + low with b = bHigh·2^16 + bLow; both partial products are exact (< 2^47).
  const high = a * (b >> 16);
  const low = a * (b & 0xffff);
  // high·2^16 = highTop·2^31 + highBottom·2^16, so a·b + nudge = highTop·2^31 + rest, rest exact.
  const highTop = Math.floor(high / 32768);
  const highBottom = high - highTop * 32768;
  const rest = highBottom * 65536 + low + nudge;
  const restTop = Math.floor(rest / TWO_POW_31);
  let quotient = highTop + restTop; // floor((a·b + nudge) / 2^31)
  // C++ integer division truncates toward zero: a negative sum with a remainder rounds up.
  if (negative && rest - restTop * TWO_POW_31 !== 0) quotient += 1;
  return quotient;
}

/** gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = exponent === 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * TFLite's MultiplyByQuantizedMultiplier (int32, double rounding): x · multiplier · 2^(shift − 31).
 * A positive shift is applied first as a wrapping int32 left shift, as the C++ does.
 */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  const shifted = leftShift === 0 ? x : Math.imul(x, 2 ** leftShift);
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shifted, multiplier), rightShift);
}

/** TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp (ADD's rescaling); `shift` ≤ 0. */
export function multiplyByQuantizedMultiplierSmallerThanOneExp(x: number, multiplier: number, shift: number): number {
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, multiplier), -shift);
}

/** TFLite's MultiplyByQuantizedMultiplierGreaterThanOne (softmax's input scaling); `leftShift` ≥ 0. */
export function multiplyByQuantizedMultiplierGreaterThanOne(x: number, multiplier: number, leftShift: number): number {
  return saturatingRoundingDoublingHighMul(Math.imul(x, 2 ** leftShift), multiplier);
}

/** C's round() (TfLiteRound): halves away from zero. */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * The per-channel output stage of CONV_2D and DEPTHWISE_CONV_2D for one output position:
 * out[offset + c] = clamp(MultiplyByQuantizedMultiplier(acc[c], multipliers[c], shifts[c]) + zeroPoint).
 * One loop over the channels instead of a call per value (the convolutions' second-largest cost).
 */
export function requantizeChannels(
  acc: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  zeroPoint: number,
  min: number,
  max: number,
  out: Int8Array,
  offset: number,
): void {
  for (let c = 0; c < acc.length; c++) {
    const shift = shifts[c]!;
    let v: number;
    if (shift <= 0) {
      const product = acc[c]! * multipliers[c]!;
      // |acc · multiplier| < 2^53 unless the accumulator exceeds 2^22: then take the exact path.
      v =
        product > -EXACT_LIMIT && product < EXACT_LIMIT
          ? roundingDivideByPOT(
              Math.trunc((product + (product < 0 ? 1 - TWO_POW_30 : TWO_POW_30)) / TWO_POW_31),
              -shift,
            )
          : multiplyByQuantizedMultiplier(acc[c]!, multipliers[c]!, shift);
    } else {
      v = multiplyByQuantizedMultiplier(acc[c]!, multipliers[c]!, shift);
    }
    v += zeroPoint;
    out[offset + c] = v < min ? min : v > max ? max : v;
  }
}
