import type * as tfjs from '@tensorflow/tfjs-node';
import type { ForwardContext, ModelLayer, Tf } from './ModelLayer.ts';

/** Mean over time and frequency: [batch, h, w, c] → [batch, c]. */
export class GlobalAveragePoolLayer implements ModelLayer {
  readonly macs = 0;
  readonly outputShape: number[];

  constructor(
    private readonly tf: Tf,
    inputShape: number[],
  ) {
    this.outputShape = [inputShape[2]!];
  }

  /**
   * As an average pool over the whole map rather than tf.mean: the same values, but mean's gradient
   * builds a tensor of ones the size of the input in JavaScript on every step, where AvgPoolGrad
   * spreads the gradient natively in one pass.
   */
  forward(x: tfjs.Tensor, _context: ForwardContext): tfjs.Tensor {
    const [batch, height, width, channels] = x.shape as [number, number, number, number];
    return this.tf.avgPool(x as tfjs.Tensor4D, [height, width], 1, 'valid').reshape([batch, channels]);
  }

  toLayers(x: tfjs.SymbolicTensor): tfjs.SymbolicTensor {
    return this.tf.layers.globalAveragePooling2d({}).apply(x) as tfjs.SymbolicTensor;
  }
}
