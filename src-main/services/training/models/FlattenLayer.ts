import type * as tfjs from '@tensorflow/tfjs-node';
import type { ForwardContext, ModelLayer, Tf } from './ModelLayer.ts';

/** [batch, h, w, c] → [batch, h·w·c] in row-major (Keras Flatten) order. */
export class FlattenLayer implements ModelLayer {
  readonly macs = 0;
  readonly outputShape: number[];

  constructor(
    private readonly tf: Tf,
    inputShape: number[],
  ) {
    this.outputShape = [inputShape.reduce((a, b) => a * b, 1)];
  }

  forward(x: tfjs.Tensor, _context: ForwardContext): tfjs.Tensor {
    return this.tf.reshape(x, [x.shape[0]!, this.outputShape[0]!]);
  }

  toLayers(x: tfjs.SymbolicTensor): tfjs.SymbolicTensor {
    return this.tf.layers.flatten().apply(x) as tfjs.SymbolicTensor;
  }
}
