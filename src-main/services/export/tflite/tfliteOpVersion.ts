import type { BuiltinOperatorName } from './tfliteSchema.ts';

/**
 * The operator versions TF 2.21's converter writes (GetBuiltinOperatorVersion in
 * tensorflow/compiler/mlir/lite/tools/versioning/op_version.cc) for the ops and types this writer
 * emits: float kernels are version 1; full-integer int8 kernels are CONV_2D 3, DEPTHWISE_CONV_2D 3,
 * FULLY_CONNECTED 4 (with a bias, keep_num_dims false), ADD, MAX_POOL_2D, MEAN, SOFTMAX and
 * DEQUANTIZE 2, RESHAPE and QUANTIZE (float → int8, per tensor) 1. A runtime refuses an op whose
 * version it does not know, so a version too high fails loudly and one too low picks the wrong kernel.
 */
const int8Versions: Record<BuiltinOperatorName, number> = {
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

export function tfliteOpVersion(opcode: BuiltinOperatorName, types: 'float32' | 'int8'): number {
  return types === 'int8' ? int8Versions[opcode] : 1;
}
