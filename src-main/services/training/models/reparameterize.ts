import type * as tfjs from '@tensorflow/tfjs-node';
import { BATCH_NORM_EPSILON } from './batchNorm.ts';
import { buildLayeredModel } from './buildLayeredModel.ts';
import { branchName, type BranchDirection } from './buildRepInception.ts';
import { BranchSumLayer } from './BranchSumLayer.ts';
import type { ConvLayer } from './ConvLayer.ts';
import type { KwsModel } from './KwsModel.ts';
import { LayeredKwsModel } from './LayeredKwsModel.ts';
import type { Tf } from './ModelLayer.ts';

/**
 * The same inference function as a trained rep_inception model with each block's branches folded:
 * per branch, BN folds into the kernel (scale γ/√(σ² + ε) per channel) and a bias (β − μ·scale);
 * smaller kernels are zero-padded centrally to the largest k (exact for odd k under SAME padding);
 * each direction's kernels and biases sum into one 1×K and one K×1 depthwise conv, whose outputs
 * are summed before the ReLU. Everything else is copied. The source model is left untouched.
 */
export function reparameterize(tf: Tf, model: KwsModel): KwsModel {
  if (!(model instanceof LayeredKwsModel) || model.spec.kind !== 'rep_inception') {
    throw new Error(`Only rep_inception models can be reparameterized (got ${model.spec.kind})`);
  }
  if (model.reparameterized) throw new Error('This model is already reparameterized');
  const spec = model.spec;
  const merged = buildLayeredModel(tf, spec, model.inputShape, model.classes, 0, true);
  const source = model.store.byName;
  const convs = new Map<string, ConvLayer>();
  for (const layer of model.layers) {
    if (layer instanceof BranchSumLayer) for (const branch of layer.branches) convs.set(branch.options.name, branch);
  }
  const largest = Math.max(...spec.branchKernels);
  const weights = new Map<string, tfjs.Tensor>();
  try {
    for (const name of merged.store.byName.keys()) {
      const variable = source.get(name);
      if (variable) weights.set(name, variable);
    }
    spec.blocks.forEach((_, index) => {
      for (const direction of ['frequency', 'time'] as const) {
        const branches = spec.branchKernels.map((k) => convs.get(branchName(index + 1, direction, k))!);
        const [kernel, bias] = foldBranches(tf, branches, direction, largest);
        const name = branchName(index + 1, direction, largest, true);
        weights.set(`${name}/kernel`, kernel);
        weights.set(`${name}/bias`, bias);
      }
    });
    merged.setWeights(weights);
  } catch (error) {
    merged.dispose();
    throw error;
  } finally {
    for (const [name, tensor] of weights) if (!source.has(name)) tensor.dispose();
  }
  return merged;
}

function foldBranches(
  tf: Tf,
  branches: ConvLayer[],
  direction: BranchDirection,
  largest: number,
): [tfjs.Tensor, tfjs.Tensor] {
  return tf.tidy(() => {
    let kernel: tfjs.Tensor | null = null;
    let bias: tfjs.Tensor | null = null;
    for (const branch of branches) {
      const bn = branch.batchNorm!;
      const scale = bn.gamma.div(bn.movingVariance.add(BATCH_NORM_EPSILON).sqrt());
      const channels = scale.size;
      const margin = (largest - branch.options.kernel[direction === 'frequency' ? 1 : 0]) / 2;
      const padding: Array<[number, number]> =
        direction === 'frequency'
          ? [
              [0, 0],
              [margin, margin],
              [0, 0],
              [0, 0],
            ]
          : [
              [margin, margin],
              [0, 0],
              [0, 0],
              [0, 0],
            ];
      const folded = branch.kernel.mul(scale.reshape([1, 1, channels, 1])).pad(padding);
      const shift = bn.beta.sub(bn.movingMean.mul(scale));
      kernel = kernel ? kernel.add(folded) : folded;
      bias = bias ? bias.add(shift) : shift;
    }
    return [kernel!, bias!];
  });
}
