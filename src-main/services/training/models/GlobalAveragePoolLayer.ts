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

  forward(x: tfjs.Tensor, _context: ForwardContext): tfjs.Tensor {
    return this.tf.mean(x, [1, 2]);
  }

  toLayers(x: tfjs.SymbolicTensor): tfjs.SymbolicTensor {
    return this.tf.layers.globalAveragePooling2d({}).apply(x) as tfjs.SymbolicTensor;
  }
}
