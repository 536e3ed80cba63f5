import type { DsCnnSpec } from '../../../../src-shared/model/ModelSpec.ts';
import type { LayerStack } from './LayerStack.ts';

/** A filter count scaled by the width multiplier (at least one filter). */
export function scaledFilters(filters: number, widthMultiplier: number): number {
  return Math.max(1, Math.round(filters * widthMultiplier));
}

/**
 * Hello Edge DS-CNN (ARM ML-KWS-for-MCU `ds_cnn`): a first conv + BN + ReLU, then per block a
 * depthwise conv (stride 1, SAME) + BN + ReLU and a pointwise 1×1 conv + BN + ReLU; global
 * average pooling, dropout, dense. Convs followed by BN carry no bias.
 */
export function buildDsCnn(stack: LayerStack, spec: DsCnnSpec, classes: number): void {
  buildDepthwiseSeparable(stack, spec, classes, (block) =>
    stack.conv({
      name: `block${block}/depthwise`,
      kind: 'depthwise',
      kernel: spec.blockKernel,
      stride: [1, 1],
      padding: 'same',
      bias: false,
      batchNorm: true,
      activation: 'relu',
    }),
  );
}

/**
 * The frame DS-CNN and its reparameterizable variant share: first conv, then per block the
 * `depthwise` stage the model supplies (block numbers from 1) and a pointwise 1×1 conv + BN + ReLU,
 * then pooling, dropout and the dense head.
 */
export function buildDepthwiseSeparable(
  stack: LayerStack,
  spec: Pick<DsCnnSpec, 'firstConv' | 'blocks' | 'widthMultiplier' | 'dropout'>,
  classes: number,
  depthwise: (block: number) => void,
): void {
  const { firstConv, widthMultiplier } = spec;
  stack.conv({
    name: 'conv1',
    kind: 'conv',
    filters: scaledFilters(firstConv.filters, widthMultiplier),
    kernel: firstConv.kernel,
    stride: firstConv.stride,
    padding: 'same',
    bias: false,
    batchNorm: true,
    activation: 'relu',
  });
  spec.blocks.forEach((filters, index) => {
    depthwise(index + 1);
    stack.conv({
      name: `block${index + 1}/pointwise`,
      kind: 'conv',
      filters: scaledFilters(filters, widthMultiplier),
      kernel: [1, 1],
      stride: [1, 1],
      padding: 'same',
      bias: false,
      batchNorm: true,
      activation: 'relu',
    });
  });
  stack.globalAveragePool();
  stack.dropout(spec.dropout);
  stack.dense('fc', classes);
}
