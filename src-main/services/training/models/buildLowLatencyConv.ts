import type { LowLatencyConvSpec } from '../../../../src-shared/model/ModelSpec.ts';
import type { LayerStack } from './LayerStack.ts';

/**
 * TensorFlow speech_commands `low_latency_conv`: 186 filters spanning all frames × 8 bins (VALID,
 * stride 1, bias) + ReLU + dropout; two 128-unit dense layers, each followed by dropout and, as in
 * models.py, no activation; dense.
 */
export function buildLowLatencyConv(stack: LayerStack, spec: LowLatencyConvSpec, classes: number): void {
  const frames = stack.outputShape[0]!;
  stack.conv({
    name: 'conv1',
    kind: 'conv',
    filters: 186,
    kernel: [frames, 8],
    stride: [1, 1],
    padding: 'valid',
    bias: true,
    batchNorm: false,
    activation: 'relu',
  });
  stack.dropout(spec.dropout);
  stack.flatten();
  stack.dense('fc1', 128);
  stack.dropout(spec.dropout);
  stack.dense('fc2', 128);
  stack.dropout(spec.dropout);
  stack.dense('fc3', classes);
}
