import { roundHalfAwayFromZero } from './fixedPoint.ts';

/** A real multiplier as TFLite stores it: multiplier · 2^(shift − 31), multiplier in [2^30, 2^31). */
export interface QuantizedMultiplier {
  multiplier: number;
  shift: number;
}

/**
 * TFLite's QuantizeMultiplier (quantization_util.cc): frexp, the significand rounded to Q0.31
 * (halves away from zero), a significand that rounds up to 2^31 renormalized, and multipliers below
 * 2^−31 flushed to zero.
 */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 };
  if (!Number.isFinite(real) || real < 0) throw new Error(`cannot quantize the multiplier ${real}`);
  const [significand, exponent] = frexp(real);
  let shift = exponent;
  let fixed = roundHalfAwayFromZero(significand * 2147483648);
  if (fixed === 2147483648) {
    fixed /= 2;
    shift += 1;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: fixed, shift };
}

/** C's frexp for a positive finite x: [significand in [0.5, 1), exponent] with x = significand · 2^exponent. */
function frexp(x: number): [number, number] {
  let exponent = Math.floor(Math.log2(x)) + 1;
  let significand = x * 2 ** -exponent;
  // log2 can be off by one near powers of two; scaling by a power of two is exact, so fix it up.
  while (significand >= 1) {
    significand /= 2;
    exponent += 1;
  }
  while (significand < 0.5) {
    significand *= 2;
    exponent -= 1;
  }
  return [significand, exponent];
}

/**
 * A float32 value quantized with a float32 scale as TFLite's kernels do it (QUANTIZE, activation
 * ranges): zero point + round(f / scale) in float32, halves away from zero, clamped to int8.
 */
export function quantizeToInt8(value: number, scale: number, zeroPoint: number): number {
  const q = zeroPoint + roundHalfAwayFromZero(Math.fround(Math.fround(value) / Math.fround(scale)));
  return q < -128 ? -128 : q > 127 ? 127 : q;
}

export type Int8Activation = 'none' | 'relu' | 'relu6';

/** TFLite's CalculateActivationRangeQuantized for an int8 output: the fused activation's [min, max]. */
export function activationRangeInt8(activation: Int8Activation, scale: number, zeroPoint: number): [number, number] {
  if (activation === 'none') return [-128, 127];
  const quantize = (f: number): number => zeroPoint + roundHalfAwayFromZero(Math.fround(f / Math.fround(scale)));
  const min = Math.max(-128, quantize(0));
  const max = activation === 'relu6' ? Math.min(127, quantize(6)) : 127;
  return [min, max];
}
