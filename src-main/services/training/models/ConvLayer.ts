import type * as tfjs from '@tensorflow/tfjs-node';
import {
  BATCH_NORM_EPSILON,
  BATCH_NORM_MOMENTUM,
  batchNormInference,
  batchNormTraining,
  type BatchNormVariables,
} from './batchNorm.ts';
import type { ForwardContext, ModelLayer, Tf } from './ModelLayer.ts';
import { nativeRelu } from './nativeRelu.ts';
import type { VariableStore } from './VariableStore.ts';

export interface ConvLayerOptions {
  /** Variable scope, e.g. "block1/depthwise". */
  name: string;
  /** 'conv': a full convolution (1×1 for pointwise); 'depthwise': one filter per channel (multiplier 1). */
  kind: 'conv' | 'depthwise';
  /** Output channels of a 'conv' (a depthwise conv keeps its input's). */
  filters?: number;
  kernel: [number, number];
  stride: [number, number];
  padding: 'same' | 'valid';
  bias: boolean;
  batchNorm: boolean;
  activation: 'relu' | 'linear';
}

/** Output length of a convolution or pooling along one axis, as TensorFlow computes it. */
export function convOutputLength(input: number, kernel: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(input / stride) : Math.ceil((input - kernel + 1) / stride);
}

/** A convolution (full or depthwise), optionally with bias, batch norm and ReLU after it. */
export class ConvLayer implements ModelLayer {
  readonly outputShape: number[];
  readonly macs: number;
  readonly kernel: tfjs.Variable;
  readonly bias: tfjs.Variable | null;
  readonly batchNorm: BatchNormVariables | null;
  readonly inChannels: number;
  readonly outChannels: number;

  constructor(
    private readonly tf: Tf,
    store: VariableStore,
    inputShape: number[],
    readonly options: ConvLayerOptions,
  ) {
    const [height, width, channels] = inputShape as [number, number, number];
    const [kh, kw] = options.kernel;
    const outChannels = options.kind === 'depthwise' ? channels : options.filters!;
    const outH = convOutputLength(height, kh, options.stride[0], options.padding);
    const outW = convOutputLength(width, kw, options.stride[1], options.padding);
    if (outH < 1 || outW < 1)
      throw new Error(`${options.name}: a ${kh}×${kw} kernel does not fit a ${height}×${width} input`);
    this.inChannels = channels;
    this.outChannels = outChannels;
    this.outputShape = [outH, outW, outChannels];
    this.macs =
      options.kind === 'depthwise' ? outH * outW * kh * kw * channels : outH * outW * kh * kw * channels * outChannels;
    // Keras's fans: receptive field × input channels, receptive field × (filters | depth multiplier).
    const shape = options.kind === 'depthwise' ? [kh, kw, channels, 1] : [kh, kw, channels, outChannels];
    const fanOut = options.kind === 'depthwise' ? kh * kw : kh * kw * outChannels;
    this.kernel = store.kernel(`${options.name}/kernel`, shape, kh * kw * channels, fanOut);
    this.bias = options.bias ? store.constant(`${options.name}/bias`, [outChannels], 0, true) : null;
    this.batchNorm = options.batchNorm
      ? {
          gamma: store.constant(`${options.name}/batch_norm/gamma`, [outChannels], 1, true),
          beta: store.constant(`${options.name}/batch_norm/beta`, [outChannels], 0, true),
          movingMean: store.constant(`${options.name}/batch_norm/moving_mean`, [outChannels], 0, false),
          movingVariance: store.constant(`${options.name}/batch_norm/moving_variance`, [outChannels], 1, false),
        }
      : null;
  }

  forward(x: tfjs.Tensor, context: ForwardContext): tfjs.Tensor {
    const { tf, options } = this;
    const input = x as tfjs.Tensor4D;
    const relu = options.activation === 'relu';
    let y =
      options.kind === 'depthwise'
        ? tf.depthwiseConv2d(input, this.kernel as tfjs.Tensor4D, options.stride, options.padding)
        : this.isPointwise()
          ? this.pointwise(input)
          : tf.conv2d(input, this.kernel as tfjs.Tensor4D, options.stride, options.padding);
    if (this.bias) y = tf.add(y, this.bias);
    if (this.batchNorm && context.training) return batchNormTraining(tf, y, this.batchNorm, relu);
    if (this.batchNorm) y = batchNormInference(tf, y, this.batchNorm);
    return relu ? nativeRelu(tf, y) : y;
  }

  private isPointwise(): boolean {
    const { kind, kernel, stride } = this.options;
    return kind === 'conv' && kernel[0] === 1 && kernel[1] === 1 && stride[0] === 1 && stride[1] === 1;
  }

  /**
   * A 1×1, stride-1 convolution as one matrix product over all pixels. The same numbers, but on CPU
   * TensorFlow's Conv2DBackpropFilter takes about 2.5× a MatMul's time for a 1×1 kernel, and the
   * pointwise layers are most of a DS-CNN's work: 6 % off a training step (docs/training-speed.md).
   */
  private pointwise(input: tfjs.Tensor4D): tfjs.Tensor4D {
    const [batch, height, width] = input.shape;
    const pixels = input.reshape([batch * height * width, this.inChannels]) as tfjs.Tensor2D;
    const kernel = this.kernel.reshape([this.inChannels, this.outChannels]) as tfjs.Tensor2D;
    return this.tf.matMul(pixels, kernel).reshape([batch, height, width, this.outChannels]);
  }

  toLayers(x: tfjs.SymbolicTensor): tfjs.SymbolicTensor {
    const { tf, options } = this;
    const activation = this.batchNorm ? 'linear' : options.activation;
    const common = {
      kernelSize: options.kernel,
      strides: options.stride,
      padding: options.padding,
      useBias: this.bias !== null,
      activation,
    };
    const conv =
      options.kind === 'conv'
        ? tf.layers.conv2d({ ...common, filters: this.outChannels })
        : tf.layers.depthwiseConv2d({ ...common, depthMultiplier: 1 });
    let y = conv.apply(x) as tfjs.SymbolicTensor;
    conv.setWeights(this.bias ? [this.kernel, this.bias] : [this.kernel]);
    if (this.batchNorm) {
      const bn = tf.layers.batchNormalization({ axis: -1, momentum: BATCH_NORM_MOMENTUM, epsilon: BATCH_NORM_EPSILON });
      y = bn.apply(y) as tfjs.SymbolicTensor;
      const { gamma, beta, movingMean, movingVariance } = this.batchNorm;
      bn.setWeights([gamma, beta, movingMean, movingVariance]);
      if (options.activation === 'relu') y = tf.layers.reLU().apply(y) as tfjs.SymbolicTensor;
    }
    return y;
  }
}
