import type * as tfjs from '@tensorflow/tfjs-node';
import type { ConvLayer } from './ConvLayer.ts';
import type { ForwardContext, ModelLayer, Tf } from './ModelLayer.ts';
import { nativeRelu } from './nativeRelu.ts';

/** Parallel branches on one input, summed, then an activation (the rep_inception depthwise stage). */
export class BranchSumLayer implements ModelLayer {
  readonly outputShape: number[];
  readonly macs: number;

  constructor(
    private readonly tf: Tf,
    readonly branches: ConvLayer[],
    readonly activation: 'relu' | 'linear',
  ) {
    const shape = branches[0]!.outputShape;
    for (const branch of branches) {
      if (branch.outputShape.join() !== shape.join())
        throw new Error(`${branch.options.name}: branch output shapes differ`);
    }
    this.outputShape = shape;
    this.macs = branches.reduce((sum, branch) => sum + branch.macs, 0);
  }

  forward(x: tfjs.Tensor, context: ForwardContext): tfjs.Tensor {
    const outputs = this.branches.map((branch) => branch.forward(x, context));
    const sum = outputs.length === 1 ? outputs[0]! : this.tf.addN(outputs);
    return this.activation === 'relu' ? nativeRelu(this.tf, sum) : sum;
  }

  toLayers(x: tfjs.SymbolicTensor): tfjs.SymbolicTensor {
    const outputs = this.branches.map((branch) => branch.toLayers(x));
    let y = outputs.length === 1 ? outputs[0]! : (this.tf.layers.add().apply(outputs) as tfjs.SymbolicTensor);
    if (this.activation === 'relu') y = this.tf.layers.reLU().apply(y) as tfjs.SymbolicTensor;
    return y;
  }
}
