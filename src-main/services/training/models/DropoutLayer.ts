import type * as tfjs from '@tensorflow/tfjs-node';
import type { ForwardContext, ModelLayer, Tf } from './ModelLayer.ts';

/** Inverted dropout while training, identity at inference. */
export class DropoutLayer implements ModelLayer {
  readonly macs = 0;

  constructor(
    private readonly tf: Tf,
    readonly outputShape: number[],
    readonly rate: number,
    /** Tells this layer's dropout stream apart from the model's other dropout layers. */
    private readonly index: number,
  ) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`Dropout rate must be in [0, 1), got ${rate}`);
  }

  forward(x: tfjs.Tensor, context: ForwardContext): tfjs.Tensor {
    if (!context.training || this.rate === 0) return x;
    const seed = context.seed === undefined ? undefined : `${context.seed}/dropout${this.index}`;
    return this.tf.dropout(x, this.rate, undefined, seed);
  }

  toLayers(x: tfjs.SymbolicTensor): tfjs.SymbolicTensor {
    return x;
  }
}
