/**
 * The numbers of TensorFlow Lite's flatbuffer schema (tensorflow/compiler/mlir/lite/schema/schema.fbs)
 * this writer uses: enum values, the BuiltinOptions union's type indexes (NONE is 0, then the union's
 * members in order) and each table's field slots (a field's index in its table; a union field takes
 * two slots, its type then its value).
 */

export const FILE_IDENTIFIER = 'TFL3';
export const SCHEMA_VERSION = 3;

/** TensorType values, keyed by TfliteTensorType. */
export const TensorType = { float32: 0, int32: 2, int8: 9 } as const;

export const BuiltinOperator = {
  ADD: 0,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  MAX_POOL_2D: 17,
  RESHAPE: 22,
  SOFTMAX: 25,
  MEAN: 40,
  QUANTIZE: 114,
} as const;
export type BuiltinOperatorName = keyof typeof BuiltinOperator;

/** Builtin codes above this live only in OperatorCode.builtin_code (deprecated_builtin_code is a byte). */
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

export const BuiltinOptionsType = {
  NONE: 0,
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  FullyConnectedOptions: 8,
  SoftmaxOptions: 9,
  AddOptions: 11,
  ReshapeOptions: 17,
  ReducerOptions: 27,
} as const;

export const Padding = { same: 0, valid: 1 } as const;
export const ActivationFunctionType = { none: 0, relu: 1, relu6: 3 } as const;

/** Field slots, by table. */
export const Slot = {
  Model: { version: 0, operator_codes: 1, subgraphs: 2, description: 3, buffers: 4, signature_defs: 7 },
  OperatorCode: { deprecated_builtin_code: 0, version: 2, builtin_code: 3 },
  SubGraph: { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 },
  Buffer: { data: 0 },
  Tensor: { shape: 0, type: 1, buffer: 2, name: 3, quantization: 4 },
  QuantizationParameters: { scale: 2, zero_point: 3, quantized_dimension: 6 },
  Operator: { opcode_index: 0, inputs: 1, outputs: 2, builtin_options_type: 3, builtin_options: 4 },
  SignatureDef: { inputs: 0, outputs: 1, signature_key: 2, subgraph_index: 4 },
  TensorMap: { name: 0, tensor_index: 1 },
  Conv2DOptions: { padding: 0, stride_w: 1, stride_h: 2, fused_activation_function: 3 },
  DepthwiseConv2DOptions: { padding: 0, stride_w: 1, stride_h: 2, depth_multiplier: 3, fused_activation_function: 4 },
  Pool2DOptions: {
    padding: 0,
    stride_w: 1,
    stride_h: 2,
    filter_width: 3,
    filter_height: 4,
    fused_activation_function: 5,
  },
  FullyConnectedOptions: { fused_activation_function: 0, weights_format: 1, keep_num_dims: 2 },
  SoftmaxOptions: { beta: 0 },
  AddOptions: { fused_activation_function: 0 },
  ReshapeOptions: { new_shape: 0 },
  ReducerOptions: { keep_dims: 0 },
} as const;

/** How many fields each table has up to the last slot written (startObject's argument). */
export function fieldCount(slots: Record<string, number>): number {
  return Math.max(...Object.values(slots)) + 1;
}
