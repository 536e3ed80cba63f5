import type * as tfjs from '@tensorflow/tfjs-node';
import type { ForwardContext, ModelLayer, Tf } from './ModelLayer.ts';
import { nativeRelu } from './nativeRelu.ts';
import type { VariableStore } from './VariableStore.ts';

/** A fully connected layer with bias on a flat input. */
export class DenseLayer implements ModelLayer {
  readonly outputShape: number[];
  readonly macs: number;
  readonly kernel: tfjs.Variable;
  readonly bias: tfjs.Variable;

  constructor(
    private readonly tf: Tf,
    store: VariableStore,
    inputShape: number[],
    name: string,
    readonly units: number,
    readonly activation: 'relu' | 'linear' = 'linear',
  ) {
    if (inputShape.length !== 1)
      throw new Error(`${name}: a dense layer needs a flat input, got [${inputShape.join(', ')}]`);
    const inputs = inputShape[0]!;
    this.outputShape = [units];
    this.macs = inputs * units;
    this.kernel = store.kernel(`${name}/kernel`, [inputs, units], inputs, units);
    this.bias = store.constant(`${name}/bias`, [units], 0, true);
  }

  forward(x: tfjs.Tensor, _context: ForwardContext): tfjs.Tensor {
    const y = this.tf.fused.matMul({ a: x as tfjs.Tensor2D, b: this.kernel as tfjs.Tensor2D, bias: this.bias });
    return this.activation === 'relu' ? nativeRelu(this.tf, y) : y;
  }

  toLayers(x: tfjs.SymbolicTensor): tfjs.SymbolicTensor {
    const dense = this.tf.layers.dense({ units: this.units, activation: this.activation });
    const y = dense.apply(x) as tfjs.SymbolicTensor;
    dense.setWeights([this.kernel, this.bias]);
    return y;
  }
}
