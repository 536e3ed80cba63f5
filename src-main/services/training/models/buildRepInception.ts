import type { RepInceptionSpec } from '../../../../src-shared/model/ModelSpec.ts';
import { BranchSumLayer } from './BranchSumLayer.ts';
import { buildDepthwiseSeparable } from './buildDsCnn.ts';
import { ConvLayer } from './ConvLayer.ts';
import type { LayerStack } from './LayerStack.ts';

export type BranchDirection = 'time' | 'frequency';

/** A block's depthwise branch along frequency (1×k) or time (k×1); `merged` after reparameterization. */
export function branchName(block: number, direction: BranchDirection, k: number, merged = false): string {
  const prefix = `block${block}/${merged ? 'merged' : 'branch'}`;
  return direction === 'frequency' ? `${prefix}_1x${k}` : `${prefix}_${k}x1`;
}

/**
 * After AudioRepInceptionNeXt: DS-CNN whose depthwise stage is a sum of parallel depthwise
 * branches 1×k and k×1 for every k in `branchKernels` (SAME, each with its own BN, no bias),
 * then ReLU; then pointwise 1×1 + BN + ReLU. `reparameterize` folds the branches after training;
 * `merged` builds that folded form: per direction one depthwise kernel of the largest k, with bias.
 */
export function buildRepInception(stack: LayerStack, spec: RepInceptionSpec, classes: number, merged = false): void {
  if (spec.branchKernels.length === 0) throw new Error('rep_inception: at least one branch kernel is needed');
  for (const k of spec.branchKernels) {
    if (!Number.isInteger(k) || k < 1 || k % 2 === 0)
      throw new Error(`rep_inception: branch kernels must be odd positive integers, got ${k}`);
  }
  buildDepthwiseSeparable(stack, spec, classes, (block) => {
    const branches: ConvLayer[] = [];
    const kernels = merged ? [Math.max(...spec.branchKernels)] : spec.branchKernels;
    for (const direction of ['frequency', 'time'] as const) {
      for (const k of kernels) {
        branches.push(
          new ConvLayer(stack.tf, stack.store, stack.outputShape, {
            name: branchName(block, direction, k, merged),
            kind: 'depthwise',
            kernel: direction === 'frequency' ? [1, k] : [k, 1],
            stride: [1, 1],
            padding: 'same',
            bias: merged,
            batchNorm: !merged,
            activation: 'linear',
          }),
        );
      }
    }
    stack.push(new BranchSumLayer(stack.tf, branches, 'relu'));
  });
}
