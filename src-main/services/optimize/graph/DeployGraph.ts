/**
 * A trained model as it is deployed: inference only, batch 1, NHWC, batch norm folded into the
 * convolutions, activations fused into the op before them, dropout gone, rep_inception branches
 * merged. Every exporter (TFLite float and int8, the TFLite Micro C array) and the int8 engine read
 * this one form, so what is measured is what is written.
 *
 * Weights use TFLite's layouts: CONV_2D [out, kh, kw, in], DEPTHWISE_CONV_2D [1, kh, kw, channels],
 * FULLY_CONNECTED [out, in]; all row-major.
 */

export type FusedActivation = 'none' | 'relu' | 'relu6';
export type Padding = 'same' | 'valid';

/** An activation tensor (weights live on their op). `shape` includes the batch of 1. */
export interface GraphTensor {
  id: number;
  /** A readable name for the .tflite file and error messages, e.g. "block1/depthwise". */
  name: string;
  shape: number[];
}

export interface Conv2dOp {
  kind: 'conv2d';
  /** The Keras layer this op came from, for error messages and reports. */
  layer: string;
  input: number;
  output: number;
  /** [out, kh, kw, in]. */
  filter: Float32Array;
  filterShape: [number, number, number, number];
  /** One per output channel (zeros when the layer had none: TFLite always carries a bias). */
  bias: Float32Array;
  /** [height, width]. */
  stride: [number, number];
  padding: Padding;
  activation: FusedActivation;
}

export interface DepthwiseConv2dOp {
  kind: 'depthwise_conv2d';
  layer: string;
  input: number;
  output: number;
  /** [1, kh, kw, channels] (depth multiplier 1). */
  filter: Float32Array;
  filterShape: [1, number, number, number];
  bias: Float32Array;
  stride: [number, number];
  padding: Padding;
  activation: FusedActivation;
}

export interface FullyConnectedOp {
  kind: 'fully_connected';
  layer: string;
  input: number;
  output: number;
  /** [out, in]. */
  weights: Float32Array;
  weightsShape: [number, number];
  bias: Float32Array;
  activation: FusedActivation;
}

/** Element-wise sum of two tensors of one shape (the merged rep_inception directions). */
export interface AddOp {
  kind: 'add';
  layer: string;
  inputs: [number, number];
  output: number;
  activation: FusedActivation;
}

export interface MaxPool2dOp {
  kind: 'max_pool2d';
  layer: string;
  input: number;
  output: number;
  filter: [number, number];
  stride: [number, number];
  padding: Padding;
}

/** Global average pooling: the mean over height and width, [1, h, w, c] → [1, c] (as TF's converter writes it). */
export interface MeanOp {
  kind: 'mean';
  layer: string;
  input: number;
  output: number;
}

/** A new shape for the same row-major values (Keras Flatten on NHWC). */
export interface ReshapeOp {
  kind: 'reshape';
  layer: string;
  input: number;
  output: number;
}

/** Probabilities from the logits; appended to every deployed model (beta 1). */
export interface SoftmaxOp {
  kind: 'softmax';
  layer: string;
  input: number;
  output: number;
}

export type GraphOp =
  Conv2dOp | DepthwiseConv2dOp | FullyConnectedOp | AddOp | MaxPool2dOp | MeanOp | ReshapeOp | SoftmaxOp;
export type GraphOpKind = GraphOp['kind'];

export interface DeployGraph {
  /** Every activation tensor, `tensors[i].id === i`. */
  tensors: GraphTensor[];
  /** In execution order: each op's inputs are the graph input or earlier ops' outputs. */
  ops: GraphOp[];
  /** [1, frames, bins, 1], float32 features after normalization. */
  input: number;
  /** [1, classes]: the last op before softmax. */
  logits: number;
  /** [1, classes] probabilities: the graph's output. */
  output: number;
}

/** The tensor ids an op reads. */
export function opInputs(op: GraphOp): number[] {
  return op.kind === 'add' ? [...op.inputs] : [op.input];
}
