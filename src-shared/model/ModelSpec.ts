/**
 * The model families the studio trains. Inputs are feature matrices [frames, bins, 1] (time as
 * image height, feature as width); outputs are class logits.
 */

/** A 2-D convolution: filters, kernel [time, frequency] and stride [time, frequency]. */
export interface ConvSpec {
  filters: number;
  kernel: [number, number];
  stride: [number, number];
}

/** TensorFlow speech_commands `tiny_conv`: one 10×8 (time × feature) conv, 8 filters, stride 2, dropout, dense. */
export interface TinyConvSpec {
  kind: 'tiny_conv';
  dropout: number;
}

/** TensorFlow speech_commands `conv`: 64 × 20×8 conv, max-pool 2, 64 × 10×4 conv, dropout, dense. */
export interface ConvModelSpec {
  kind: 'conv';
  dropout: number;
}

/** TensorFlow speech_commands `low_latency_conv`: one full-time-height conv, then three dense layers. */
export interface LowLatencyConvSpec {
  kind: 'low_latency_conv';
  dropout: number;
}

/**
 * Hello Edge DS-CNN: a first conv, then depthwise-separable blocks (depthwise conv + BN + ReLU,
 * pointwise 1×1 conv with `blocks[i]` filters + BN + ReLU), global average pooling, dense.
 * Filter counts are scaled by `widthMultiplier`; depth is `blocks.length`.
 */
export interface DsCnnSpec {
  kind: 'ds_cnn';
  firstConv: ConvSpec;
  /** Pointwise filters of each depthwise-separable block, e.g. [64, 64, 64, 64] or [90, 45, 45]. */
  blocks: number[];
  /** Depthwise kernel of every block, [time, frequency]. */
  blockKernel: [number, number];
  widthMultiplier: number;
  dropout: number;
}

/**
 * A reparameterizable block after AudioRepInceptionNeXt: each block sums parallel depthwise branches
 * of shape 1×k and k×1 (k in `branchKernels`), each with its own batch norm during training; after
 * training the branches of each direction fold into one depthwise kernel (BN folded, smaller kernels
 * zero-padded, summed). Then pointwise 1×1 conv + BN + ReLU, as in DS-CNN.
 */
export interface RepInceptionSpec {
  kind: 'rep_inception';
  firstConv: ConvSpec;
  blocks: number[];
  /** Odd kernel lengths of the parallel branches, e.g. [3, 5, 9]. */
  branchKernels: number[];
  widthMultiplier: number;
  dropout: number;
}

export type ModelSpec = TinyConvSpec | ConvModelSpec | LowLatencyConvSpec | DsCnnSpec | RepInceptionSpec;
export type ModelKind = ModelSpec['kind'];

/** Size and cost of a model for one input, shown before training starts. */
export interface ModelStats {
  params: number;
  trainableParams: number;
  /** Multiply-accumulates for one inference (convolutions and dense layers). */
  macs: number;
  /** float32 weights. */
  sizeBytes: number;
}
