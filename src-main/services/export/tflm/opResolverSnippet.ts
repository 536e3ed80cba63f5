import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import { includeGuard } from './cSource.ts';

/** The file `opResolverSnippet` writes, next to model_data.h in a TFLite Micro bundle. */
export const OP_RESOLVER_HEADER = 'model_ops.h';

/** TFLite builtin op name → the `tflite::MicroMutableOpResolver` method that registers its kernel. */
export const tflmResolverMethods: Readonly<Record<string, string>> = {
  CONV_2D: 'AddConv2D',
  DEPTHWISE_CONV_2D: 'AddDepthwiseConv2D',
  FULLY_CONNECTED: 'AddFullyConnected',
  ADD: 'AddAdd',
  MAX_POOL_2D: 'AddMaxPool2D',
  MEAN: 'AddMean',
  RESHAPE: 'AddReshape',
  SOFTMAX: 'AddSoftmax',
  QUANTIZE: 'AddQuantize',
  DEQUANTIZE: 'AddDequantize',
};

/**
 * `model_ops.h`: a header that declares the model's op resolver type,
 * `using KwsOpResolver = tflite::MicroMutableOpResolver<N>;` with N the number of distinct ops, and
 * `inline TfLiteStatus RegisterKwsOps(KwsOpResolver&)`, which calls `AddConv2D()` etc. once per op
 * (in the order given) and returns the first failure. A whole header rather than lines to paste, so
 * the firmware includes it and the resolver's size can never drift from its `Add…` calls. Registering
 * only the model's ops is what keeps TFLite Micro's flash use small (AllOpsResolver links every kernel).
 * Throws for an op name TFLite Micro's resolver is not known to register here.
 */
export function opResolverSnippet(ops: readonly string[]): string {
  const distinct = [...new Set(ops)];
  if (distinct.length === 0) {
    throw new StudioError('invalid_input', 'The model has no ops: there is nothing for an op resolver to register.');
  }
  const unknown = distinct.filter((op) => !Object.hasOwn(tflmResolverMethods, op));
  if (unknown.length > 0) {
    throw new StudioError(
      'unsupported',
      `No TFLite Micro op resolver call is known for ${unknown.map((op) => JSON.stringify(op)).join(', ')}; ` +
        `known ops: ${Object.keys(tflmResolverMethods).join(', ')}.`,
    );
  }
  const guard = includeGuard(OP_RESOLVER_HEADER);
  return [
    `// ${OP_RESOLVER_HEADER}: the TensorFlow Lite Micro op resolver for the KWS Studio model. Generated; do not edit.`,
    `// It registers exactly the model's ops (${distinct.join(', ')}), so only their kernels are linked.`,
    '//',
    '// Usage:',
    '//   static KwsOpResolver op_resolver;',
    '//   if (RegisterKwsOps(op_resolver) != kTfLiteOk) { /* a kernel failed to register */ }',
    '//   tflite::MicroInterpreter interpreter(model, op_resolver, tensor_arena, kTensorArenaSize);',
    '',
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    '#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"',
    '',
    `using KwsOpResolver = tflite::MicroMutableOpResolver<${distinct.length}>;`,
    '',
    'inline TfLiteStatus RegisterKwsOps(KwsOpResolver& op_resolver) {',
    ...distinct.map(
      (op) => `  if (op_resolver.${tflmResolverMethods[op]}() != kTfLiteOk) return kTfLiteError;  // ${op}`,
    ),
    '  return kTfLiteOk;',
    '}',
    '',
    `#endif  // ${guard}`,
    '',
  ].join('\n');
}
