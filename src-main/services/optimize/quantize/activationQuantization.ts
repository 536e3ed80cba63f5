import type { TensorRange } from '../graph/runGraphFloat.ts';
import type { TensorQuantization } from './QuantizedGraph.ts';
import { roundHalfAwayFromZero } from './roundHalfAwayFromZero.ts';

/**
 * int8 activation parameters from a calibrated range, per TFLite's quantization spec: the range is
 * widened to include 0 (so 0 is exact: padding and ReLU produce it), scale = (max − min) / 255, zero
 * point = −128 − min / scale rounded and clamped to [−128, 127]. All-zero tensors (a dead ReLU) get
 * scale 1, as TF's converter gives a zero range.
 */
export function activationQuantization(range: TensorRange): TensorQuantization {
  const min = Math.min(range.min, 0);
  const max = Math.max(range.max, 0);
  if (max - min <= 0) return { scale: 1, zeroPoint: -128 };
  const scale = Math.fround((max - min) / 255);
  const zeroPoint = Math.max(-128, Math.min(127, roundHalfAwayFromZero(-128 - min / scale)));
  return { scale, zeroPoint };
}
