import fs from 'node:fs';
import type {
  Conv2dOp,
  DeployGraph,
  DepthwiseConv2dOp,
  FusedActivation,
  GraphOp,
  GraphTensor,
  Padding,
} from './DeployGraph.ts';
import { foldBatchNorm } from './foldBatchNorm.ts';
import { layerError, readKerasTopology, type KerasLayer, type KerasTopology } from './readKerasTopology.ts';
import { readTfjsWeights, type TfjsWeight } from './readTfjsWeights.ts';

/**
 * The deployed form of a TF.js layers model (model.json and its weight shards, as saveTfjsModel
 * writes them): layers in topological order become DeployGraph ops, batch norm folds into the
 * convolution before it, ReLUs fuse into the op before them, dropout disappears, a softmax is
 * appended after the last dense layer's logits. Tensors are named after the Keras layers.
 *
 * Anything a TFLite model of this exporter cannot express (a layer class, channels_first, dilation,
 * a depth multiplier, a batch norm not after a convolution, several inputs or outputs, missing or
 * non-float32 weights) throws an Error naming the layer and its class.
 */
export function readTfjsGraph(modelJsonPath: string): DeployGraph {
  let json: { modelTopology?: unknown; weightsManifest?: unknown };
  try {
    json = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8')) as typeof json;
  } catch (error) {
    throw new Error(`Cannot read the TF.js model ${modelJsonPath}: ${(error as Error).message}`, { cause: error });
  }
  const topology = readKerasTopology(json.modelTopology);
  const weights = readTfjsWeights(modelJsonPath, json.weightsManifest);
  return new GraphBuilder(topology, weights).build();
}

const FUSABLE_ACTIVATION: ReadonlySet<GraphOp['kind']> = new Set([
  'conv2d',
  'depthwise_conv2d',
  'fully_connected',
  'add',
]);

/** Walks the layers once, appending ops; layers that fold or fuse map onto their input's tensor. */
class GraphBuilder {
  private readonly tensors: GraphTensor[] = [];
  private readonly ops: GraphOp[] = [];
  /** The tensor each Keras layer's output is. */
  private readonly tensorOf = new Map<string, number>();
  /** The op writing each tensor (none for the input). */
  private readonly producer = new Map<number, GraphOp>();
  /** The Keras layer whose op wrote each tensor, for error messages. */
  private readonly source = new Map<number, KerasLayer>();
  /** How many layers still read each tensor: folding or fusing into its op is only safe with one. */
  private readonly readers = new Map<number, number>();
  private input: number | undefined;

  constructor(
    private readonly topology: KerasTopology,
    private readonly weights: Map<string, TfjsWeight>,
  ) {}

  build(): DeployGraph {
    for (const layer of this.topology.layers) this.add(layer);
    const inputLayer = this.topology.layers.find((layer) => layer.name === this.topology.input)!;
    if (inputLayer.className !== 'InputLayer' || this.input === undefined)
      throw layerError(inputLayer, 'is the model input but not an InputLayer');
    const outputLayer = this.topology.layers.find((layer) => layer.name === this.topology.output)!;
    const logits = this.tensorOf.get(outputLayer.name)!;
    if (this.producer.get(logits)?.kind !== 'fully_connected') {
      throw layerError(
        outputLayer,
        `is the model output, but the exporter needs a Dense layer's logits there (got ${this.describe(logits)})`,
      );
    }
    const names = new Set(this.tensors.map((tensor) => tensor.name));
    let name = 'softmax';
    for (let n = 1; names.has(name); n++) name = `softmax_${n}`;
    const output = this.tensor(name, this.tensors[logits]!.shape);
    this.ops.push({ kind: 'softmax', layer: name, input: logits, output });
    return { tensors: this.tensors, ops: this.ops, input: this.input, logits, output };
  }

  private add(layer: KerasLayer): void {
    const singleInput = !['InputLayer', 'Add'].includes(layer.className);
    if (singleInput && layer.inputs.length !== 1)
      throw layerError(layer, `reads ${layer.inputs.length} tensors; it must read exactly one`);
    switch (layer.className) {
      case 'InputLayer':
        return this.inputLayer(layer);
      case 'Conv2D':
      case 'DepthwiseConv2D':
        return this.conv(layer);
      case 'BatchNormalization':
        return this.batchNorm(layer);
      case 'ReLU':
        return this.relu(layer);
      case 'Activation':
        return this.activation(layer);
      case 'Dropout':
        return this.alias(layer, this.inputOf(layer));
      case 'MaxPooling2D':
        return this.maxPool(layer);
      case 'Flatten':
        return this.flatten(layer);
      case 'GlobalAveragePooling2D':
        return this.globalAveragePool(layer);
      case 'Dense':
        return this.dense(layer);
      case 'Add':
        return this.addLayer(layer);
      default:
        throw layerError(layer, 'cannot be expressed in TFLite by this exporter');
    }
  }

  private inputLayer(layer: KerasLayer): void {
    if (layer.name !== this.topology.input || this.input !== undefined)
      throw layerError(layer, 'is a second model input; a TFLite export needs exactly one input');
    const shape = (layer.config.batch_input_shape ?? layer.config.batch_shape) as unknown;
    const dims = Array.isArray(shape) ? shape.slice(1) : [];
    if (!Array.isArray(shape) || shape.length !== 4 || !dims.every((d) => Number.isInteger(d) && d > 0))
      throw layerError(
        layer,
        `has input shape ${JSON.stringify(shape)}; a [batch, height, width, channels] input with fixed sizes is needed`,
      );
    const dtype = layer.config.dtype ?? 'float32';
    if (dtype !== 'float32') throw layerError(layer, `takes ${String(dtype)} input; only float32 input is supported`);
    this.input = this.output(layer, [1, ...(dims as number[])]);
  }

  private conv(layer: KerasLayer): void {
    const input = this.inputOf(layer);
    const [, height, width, inChannels] = this.nhwc(layer, input);
    this.channelsLast(layer);
    const dilation = pair(layer, 'dilation_rate', [1, 1]);
    if (dilation[0] !== 1 || dilation[1] !== 1)
      throw layerError(layer, `has dilation_rate [${dilation.join(', ')}]; only 1 is supported`);
    if ((layer.config.groups ?? 1) !== 1)
      throw layerError(layer, `has groups ${String(layer.config.groups)}; only 1 is supported`);
    const [kh, kw] = pair(layer, 'kernel_size');
    const stride = pair(layer, 'strides', [1, 1]);
    const padding = paddingOf(layer);
    const activation = activationOf(layer, layer.config.activation);
    const depthwise = layer.className === 'DepthwiseConv2D';
    let op: Conv2dOp | DepthwiseConv2dOp;
    const outH = outputLength(height, kh, stride[0], padding);
    const outW = outputLength(width, kw, stride[1], padding);
    if (outH < 1 || outW < 1)
      throw layerError(layer, `has a ${kh}×${kw} kernel that does not fit its ${height}×${width} input`);
    const common = { layer: layer.name, input, output: -1, stride, padding, activation };
    if (depthwise) {
      const multiplier = layer.config.depth_multiplier ?? 1;
      if (multiplier !== 1) throw layerError(layer, `has depth_multiplier ${String(multiplier)}; only 1 is supported`);
      // Keras [kh, kw, c, 1] and TFLite [1, kh, kw, c] are the same row-major order.
      const kernel = this.weight(layer, 'depthwise_kernel', [kh, kw, inChannels, 1]);
      const bias = this.bias(layer, inChannels);
      op = { kind: 'depthwise_conv2d', ...common, filter: kernel.slice(), filterShape: [1, kh, kw, inChannels], bias };
    } else {
      const filters = positiveInteger(layer, 'filters');
      const kernel = this.weight(layer, 'kernel', [kh, kw, inChannels, filters]);
      const filter = transpose(kernel, kh * kw * inChannels, filters);
      op = {
        kind: 'conv2d',
        ...common,
        filter,
        filterShape: [filters, kh, kw, inChannels],
        bias: this.bias(layer, filters),
      };
    }
    const outChannels = depthwise ? inChannels : op.filterShape[0];
    op.output = this.output(layer, [1, outH, outW, outChannels], op);
    this.ops.push(op);
  }

  private batchNorm(layer: KerasLayer): void {
    const input = this.inputOf(layer);
    const op = this.producer.get(input);
    if (op?.kind !== 'conv2d' && op?.kind !== 'depthwise_conv2d')
      throw layerError(
        layer,
        `follows ${this.describe(input)}; batch norm can only be folded into a Conv2D or DepthwiseConv2D`,
      );
    if (op.activation !== 'none')
      throw layerError(
        layer,
        `follows "${op.layer}", whose ${op.activation} comes first; batch norm cannot be folded through an activation`,
      );
    if (this.readers.get(input) !== 1)
      throw layerError(layer, `cannot be folded into "${op.layer}": other layers read that layer's output too`);
    const shape = this.tensors[input]!.shape;
    const axis = [layer.config.axis ?? -1].flat()[0];
    if (axis !== -1 && axis !== shape.length - 1)
      throw layerError(
        layer,
        `normalizes axis ${JSON.stringify(layer.config.axis)}; only the channel axis (-1) is supported`,
      );
    const channels = shape.at(-1)!;
    const epsilon = layer.config.epsilon ?? 1e-3;
    if (typeof epsilon !== 'number' || !(epsilon >= 0)) throw layerError(layer, `has epsilon ${String(epsilon)}`);
    const ones = () => new Float32Array(channels).fill(1);
    const folded = foldBatchNorm(op.filter, op.bias, op.kind === 'conv2d' ? 'first' : 'last', {
      gamma: layer.config.scale === false ? ones() : this.weight(layer, 'gamma', [channels]),
      beta: layer.config.center === false ? new Float32Array(channels) : this.weight(layer, 'beta', [channels]),
      movingMean: this.weight(layer, 'moving_mean', [channels]),
      movingVariance: this.weight(layer, 'moving_variance', [channels]),
      epsilon,
    });
    op.filter = folded.filter;
    op.bias = folded.bias;
    this.alias(layer, input);
  }

  private relu(layer: KerasLayer): void {
    const { max_value: maxValue, negative_slope: slope, threshold } = layer.config;
    if ((slope ?? 0) !== 0 || (threshold ?? 0) !== 0)
      throw layerError(layer, 'has a negative slope or threshold; only plain ReLU and ReLU6 can be fused');
    if (maxValue !== null && maxValue !== undefined && maxValue !== 6)
      throw layerError(layer, `has max_value ${String(maxValue)}; only ReLU and ReLU6 can be fused`);
    this.fuse(layer, maxValue === 6 ? 'relu6' : 'relu');
  }

  private activation(layer: KerasLayer): void {
    const activation = activationOf(layer, layer.config.activation);
    if (activation === 'none') this.alias(layer, this.inputOf(layer));
    else this.fuse(layer, activation);
  }

  /** Fuses an activation into the op writing the layer's input, which must be read by this layer only. */
  private fuse(layer: KerasLayer, activation: Exclude<FusedActivation, 'none'>): void {
    const input = this.inputOf(layer);
    const op = this.producer.get(input);
    if (!op || !FUSABLE_ACTIVATION.has(op.kind))
      throw layerError(
        layer,
        `follows ${this.describe(input)}; an activation can only be fused into a convolution, dense or add`,
      );
    if (this.readers.get(input) !== 1)
      throw layerError(
        layer,
        `cannot be fused into "${op.layer}": other layers read that layer's output before the activation`,
      );
    const fusable = op as Extract<GraphOp, { activation: FusedActivation }>;
    // ReLU after ReLU6 or the other way round is ReLU6; ReLU after ReLU is ReLU.
    fusable.activation = fusable.activation === 'relu6' || activation === 'relu6' ? 'relu6' : 'relu';
    this.alias(layer, input);
  }

  private maxPool(layer: KerasLayer): void {
    const input = this.inputOf(layer);
    const [, height, width, channels] = this.nhwc(layer, input);
    this.channelsLast(layer);
    const filter = pair(layer, 'pool_size', [2, 2]);
    const stride = pair(layer, 'strides', filter);
    const padding = paddingOf(layer);
    const outH = outputLength(height, filter[0], stride[0], padding);
    const outW = outputLength(width, filter[1], stride[1], padding);
    if (outH < 1 || outW < 1) throw layerError(layer, `pools ${filter.join('×')} over a ${height}×${width} input`);
    const op: GraphOp = { kind: 'max_pool2d', layer: layer.name, input, output: -1, filter, stride, padding };
    op.output = this.output(layer, [1, outH, outW, channels], op);
    this.ops.push(op);
  }

  private flatten(layer: KerasLayer): void {
    const input = this.inputOf(layer);
    const shape = this.tensors[input]!.shape;
    if (shape.length === 2) return this.alias(layer, input);
    this.channelsLast(layer);
    const op: GraphOp = { kind: 'reshape', layer: layer.name, input, output: -1 };
    op.output = this.output(layer, [1, shape.slice(1).reduce((a, b) => a * b, 1)], op);
    this.ops.push(op);
  }

  private globalAveragePool(layer: KerasLayer): void {
    const input = this.inputOf(layer);
    const [, , , channels] = this.nhwc(layer, input);
    this.channelsLast(layer);
    if (layer.config.keepdims === true)
      throw layerError(layer, 'keeps the pooled dimensions; only keepdims false is supported');
    const op: GraphOp = { kind: 'mean', layer: layer.name, input, output: -1 };
    op.output = this.output(layer, [1, channels], op);
    this.ops.push(op);
  }

  private dense(layer: KerasLayer): void {
    const input = this.inputOf(layer);
    const shape = this.tensors[input]!.shape;
    if (shape.length !== 2)
      throw layerError(
        layer,
        `reads a [${shape.join(', ')}] tensor; only a flat input is supported (Flatten or pool first)`,
      );
    const inputs = shape[1]!;
    const units = positiveInteger(layer, 'units');
    const kernel = this.weight(layer, 'kernel', [inputs, units]);
    const op: GraphOp = {
      kind: 'fully_connected',
      layer: layer.name,
      input,
      output: -1,
      weights: transpose(kernel, inputs, units),
      weightsShape: [units, inputs],
      bias: this.bias(layer, units),
      activation: activationOf(layer, layer.config.activation),
    };
    op.output = this.output(layer, [1, units], op);
    this.ops.push(op);
  }

  /** A Keras Add of n tensors as n − 1 two-input adds; an activation after it fuses into the last. */
  private addLayer(layer: KerasLayer): void {
    if (layer.inputs.length < 2)
      throw layerError(layer, `reads ${layer.inputs.length} tensor; it must read at least two`);
    const inputs = layer.inputs.map((name) => this.tensorOf.get(name)!);
    const shape = this.tensors[inputs[0]!]!.shape;
    for (const input of inputs) {
      const other = this.tensors[input]!.shape;
      if (other.join() !== shape.join())
        throw layerError(
          layer,
          `adds tensors of shapes [${shape.join(', ')}] and [${other.join(', ')}]; broadcasting is not supported`,
        );
    }
    let sum = inputs[0]!;
    for (const [index, input] of inputs.slice(1).entries()) {
      const last = index === inputs.length - 2;
      const op: GraphOp = { kind: 'add', layer: layer.name, inputs: [sum, input], output: -1, activation: 'none' };
      op.output = last
        ? this.output(layer, shape, op)
        : this.tensor(`${layer.name}/partial${index + 1}`, shape, op, layer, 1);
      this.ops.push(op);
      sum = op.output;
    }
  }

  private inputOf(layer: KerasLayer): number {
    return this.tensorOf.get(layer.inputs[0]!)!;
  }

  private nhwc(layer: KerasLayer, input: number): [number, number, number, number] {
    const shape = this.tensors[input]!.shape;
    if (shape.length !== 4)
      throw layerError(layer, `reads a [${shape.join(', ')}] tensor; it needs [1, height, width, channels]`);
    return shape as [number, number, number, number];
  }

  private channelsLast(layer: KerasLayer): void {
    const format = layer.config.data_format ?? 'channels_last';
    if (format !== 'channels_last')
      throw layerError(layer, `has data_format ${String(format)}; only channels_last (NHWC) is supported`);
  }

  /** A layer's float32 weight `<layer>/<suffix>` of exactly `shape`. */
  private weight(layer: KerasLayer, suffix: string, shape: number[]): Float32Array {
    const name = `${layer.name}/${suffix}`;
    const weight = this.weights.get(name);
    if (!weight) throw layerError(layer, `has no weight "${name}" in model.json's weightsManifest`);
    if (!weight.values)
      throw layerError(layer, `has weight "${name}" stored as ${weight.dtype}; only float32 weights can be exported`);
    if (weight.shape.join() !== shape.join())
      throw layerError(
        layer,
        `has weight "${name}" of shape [${weight.shape.join(', ')}]; expected [${shape.join(', ')}]`,
      );
    if (!weight.values.every(Number.isFinite))
      throw layerError(layer, `has weight "${name}" with NaN or infinite values (did training diverge?)`);
    return weight.values;
  }

  /** The layer's bias, or zeros when it has none (TFLite always carries one). */
  private bias(layer: KerasLayer, channels: number): Float32Array {
    return layer.config.use_bias === false
      ? new Float32Array(channels)
      : this.weight(layer, 'bias', [channels]).slice();
  }

  /** A new tensor named after `layer`, the layer's output, read by as many layers as read the Keras layer. */
  private output(layer: KerasLayer, shape: number[], op?: GraphOp): number {
    const id = this.tensor(layer.name, shape, op, layer, this.topology.readers.get(layer.name)!);
    this.tensorOf.set(layer.name, id);
    return id;
  }

  private tensor(name: string, shape: number[], op?: GraphOp, layer?: KerasLayer, readers = 1): number {
    const id = this.tensors.length;
    this.tensors.push({ id, name, shape });
    if (op) this.producer.set(id, op);
    if (layer) this.source.set(id, layer);
    this.readers.set(id, readers);
    return id;
  }

  /** The layer's output is its input's tensor (dropout, folded batch norm, fused activation). */
  private alias(layer: KerasLayer, tensor: number): void {
    this.tensorOf.set(layer.name, tensor);
    this.readers.set(tensor, this.readers.get(tensor)! - 1 + this.topology.readers.get(layer.name)!);
  }

  private describe(tensor: number): string {
    const layer = this.source.get(tensor);
    return tensor === this.input || !layer ? 'the model input' : `${layer.className} "${layer.name}"`;
  }
}

function pair(layer: KerasLayer, key: string, fallback?: [number, number]): [number, number] {
  const value = layer.config[key] ?? fallback;
  const values = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(values) || values.length !== 2 || !values.every((v) => Number.isInteger(v) && v > 0))
    throw layerError(layer, `has ${key} ${JSON.stringify(value)}; two positive integers are needed`);
  return [values[0], values[1]] as [number, number];
}

function positiveInteger(layer: KerasLayer, key: string): number {
  const value = layer.config[key];
  if (!Number.isInteger(value) || (value as number) < 1) throw layerError(layer, `has ${key} ${JSON.stringify(value)}`);
  return value as number;
}

function paddingOf(layer: KerasLayer): Padding {
  const padding = layer.config.padding ?? 'valid';
  if (padding !== 'same' && padding !== 'valid')
    throw layerError(layer, `has padding ${String(padding)}; only same and valid are supported`);
  return padding;
}

function activationOf(layer: KerasLayer, activation: unknown): FusedActivation {
  switch (activation ?? 'linear') {
    case 'linear':
      return 'none';
    case 'relu':
      return 'relu';
    case 'relu6':
      return 'relu6';
    default:
      throw layerError(layer, `has activation ${String(activation)}; only linear, relu and relu6 can be exported`);
  }
}

/** Output length along one axis, as TensorFlow computes it for SAME and VALID. */
function outputLength(input: number, kernel: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(input / stride) : Math.ceil((input - kernel + 1) / stride);
}

/** A row-major [rows, cols] matrix as [cols, rows]. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}
