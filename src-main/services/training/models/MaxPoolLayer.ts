import type * as tfjs from '@tensorflow/tfjs-node';
import { convOutputLength } from './ConvLayer.ts';
import type { ForwardContext, ModelLayer, Tf } from './ModelLayer.ts';

/** Max pooling with SAME padding (TF speech_commands `conv` pools 2×2, stride 2). */
export class MaxPoolLayer implements ModelLayer {
  readonly macs = 0;
  readonly outputShape: number[];

  constructor(
    private readonly tf: Tf,
    inputShape: number[],
    readonly size: [number, number],
  ) {
    const [h, w, c] = inputShape as [number, number, number];
    this.outputShape = [
      convOutputLength(h, size[0], size[0], 'same'),
      convOutputLength(w, size[1], size[1], 'same'),
      c,
    ];
  }

  forward(x: tfjs.Tensor, _context: ForwardContext): tfjs.Tensor {
    return this.tf.maxPool(x as tfjs.Tensor4D, this.size, this.size, 'same');
  }

  toLayers(x: tfjs.SymbolicTensor): tfjs.SymbolicTensor {
    return this.tf.layers
      .maxPooling2d({ poolSize: this.size, strides: this.size, padding: 'same' })
      .apply(x) as tfjs.SymbolicTensor;
  }
}
