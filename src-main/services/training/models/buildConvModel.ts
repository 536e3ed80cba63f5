import type { ConvModelSpec } from '../../../../src-shared/model/ModelSpec.ts';
import type { LayerStack } from './LayerStack.ts';

/**
 * TensorFlow speech_commands `conv`: 64 × 20×8 conv (SAME, bias) + ReLU + dropout, 2×2 max-pool,
 * 64 × 10×4 conv + ReLU + dropout, dense.
 */
export function buildConvModel(stack: LayerStack, spec: ConvModelSpec, classes: number): void {
  stack.conv({
    name: 'conv1',
    kind: 'conv',
    filters: 64,
    kernel: [20, 8],
    stride: [1, 1],
    padding: 'same',
    bias: true,
    batchNorm: false,
    activation: 'relu',
  });
  stack.dropout(spec.dropout);
  stack.maxPool([2, 2]);
  stack.conv({
    name: 'conv2',
    kind: 'conv',
    filters: 64,
    kernel: [10, 4],
    stride: [1, 1],
    padding: 'same',
    bias: true,
    batchNorm: false,
    activation: 'relu',
  });
  stack.dropout(spec.dropout);
  stack.flatten();
  stack.dense('fc', classes);
}
