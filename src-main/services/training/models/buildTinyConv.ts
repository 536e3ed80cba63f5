import type { TinyConvSpec } from '../../../../src-shared/model/ModelSpec.ts';
import type { LayerStack } from './LayerStack.ts';

/**
 * TensorFlow speech_commands `tiny_conv` (models.py; its "height" is time, "width" the feature
 * bins): one 10×8 conv, 8 filters, stride 2, SAME, bias, ReLU; dropout; dense.
 */
export function buildTinyConv(stack: LayerStack, spec: TinyConvSpec, classes: number): void {
  stack.conv({
    name: 'conv1',
    kind: 'conv',
    filters: 8,
    kernel: [10, 8],
    stride: [2, 2],
    padding: 'same',
    bias: true,
    batchNorm: false,
    activation: 'relu',
  });
  stack.dropout(spec.dropout);
  stack.flatten();
  stack.dense('fc', classes);
}
