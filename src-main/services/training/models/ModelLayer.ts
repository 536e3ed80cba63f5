import type * as tfjs from '@tensorflow/tfjs-node';
import type { TensorflowModule } from '../../tensorflow/loadTensorflow.ts';

export type Tf = TensorflowModule;

export interface ForwardContext {
  training: boolean;
  /** Dropout seed of this call; undefined: unseeded. */
  seed: number | undefined;
}

/** One step of a network: its forward function, its cost, and its tfjs-layers equivalent. */
export interface ModelLayer {
  /** Output shape of one example, without the batch dimension. */
  readonly outputShape: number[];
  /** Multiply-accumulates for one example. */
  readonly macs: number;
  forward(x: tfjs.Tensor, context: ForwardContext): tfjs.Tensor;
  /** Appends the tfjs-layers equivalent (inference mode), with this layer's current weights. */
  toLayers(x: tfjs.SymbolicTensor): tfjs.SymbolicTensor;
}
