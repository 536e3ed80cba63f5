import type {
  DeployGraph,
  FusedActivation,
  GraphOp,
  GraphTensor,
  Padding,
} from '../../src-main/services/optimize/graph/DeployGraph.ts';

/** A small seeded generator (mulberry32) with normal draws: the same seed, the same graph. */
export function seededRandom(seed: number): { uniform: () => number; normal: () => number } {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/**
 * Builds DeployGraphs layer by layer with random weights (He-scaled so activations stay near unit
 * size, random biases), computing every tensor's shape as TensorFlow does.
 */
export class GraphBuilder {
  readonly tensors: GraphTensor[] = [];
  readonly ops: GraphOp[] = [];
  readonly input: number;
  private readonly random: ReturnType<typeof seededRandom>;

  constructor(inputShape: [number, number], seed: number) {
    this.random = seededRandom(seed);
    this.input = this.tensor('input', [1, inputShape[0], inputShape[1], 1]);
  }

  private tensor(name: string, shape: number[]): number {
    return this.tensors.push({ id: this.tensors.length, name, shape }) - 1;
  }

  private randoms(count: number, std: number): Float32Array {
    return Float32Array.from({ length: count }, () => this.random.normal() * std);
  }

  shape(id: number): number[] {
    return this.tensors[id]!.shape;
  }

  private spatial(input: number, kernel: [number, number], stride: [number, number], padding: Padding): number[] {
    const [, h, w] = this.shape(input);
    const out = (size: number, k: number, s: number) =>
      padding === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
    return [out(h!, kernel[0], stride[0]), out(w!, kernel[1], stride[1])];
  }

  conv2d(
    layer: string,
    input: number,
    filters: number,
    kernel: [number, number],
    stride: [number, number],
    padding: Padding,
    activation: FusedActivation,
  ): number {
    const channels = this.shape(input)[3]!;
    const [h, w] = this.spatial(input, kernel, stride, padding);
    const output = this.tensor(layer, [1, h!, w!, filters]);
    const fanIn = kernel[0] * kernel[1] * channels;
    this.ops.push({
      kind: 'conv2d',
      layer,
      input,
      output,
      filter: this.randoms(filters * fanIn, Math.sqrt(2 / fanIn)),
      filterShape: [filters, kernel[0], kernel[1], channels],
      bias: this.randoms(filters, 0.2),
      stride,
      padding,
      activation,
    });
    return output;
  }

  depthwise(
    layer: string,
    input: number,
    kernel: [number, number],
    stride: [number, number],
    padding: Padding,
    activation: FusedActivation,
  ): number {
    const channels = this.shape(input)[3]!;
    const [h, w] = this.spatial(input, kernel, stride, padding);
    const output = this.tensor(layer, [1, h!, w!, channels]);
    const fanIn = kernel[0] * kernel[1];
    this.ops.push({
      kind: 'depthwise_conv2d',
      layer,
      input,
      output,
      filter: this.randoms(fanIn * channels, Math.sqrt(2 / fanIn)),
      filterShape: [1, kernel[0], kernel[1], channels],
      bias: this.randoms(channels, 0.2),
      stride,
      padding,
      activation,
    });
    return output;
  }

  add(layer: string, a: number, b: number, activation: FusedActivation): number {
    const output = this.tensor(layer, [...this.shape(a)]);
    this.ops.push({ kind: 'add', layer, inputs: [a, b], output, activation });
    return output;
  }

  maxPool(layer: string, input: number, filter: [number, number], stride: [number, number], padding: Padding): number {
    const [h, w] = this.spatial(input, filter, stride, padding);
    const output = this.tensor(layer, [1, h!, w!, this.shape(input)[3]!]);
    this.ops.push({ kind: 'max_pool2d', layer, input, output, filter, stride, padding });
    return output;
  }

  mean(layer: string, input: number): number {
    const output = this.tensor(layer, [1, this.shape(input)[3]!]);
    this.ops.push({ kind: 'mean', layer, input, output });
    return output;
  }

  flatten(layer: string, input: number): number {
    const output = this.tensor(layer, [1, this.shape(input).reduce((a, b) => a * b, 1)]);
    this.ops.push({ kind: 'reshape', layer, input, output });
    return output;
  }

  dense(layer: string, input: number, units: number, activation: FusedActivation, std?: number): number {
    const inputs = this.shape(input)[1]!;
    const output = this.tensor(layer, [1, units]);
    this.ops.push({
      kind: 'fully_connected',
      layer,
      input,
      output,
      weights: this.randoms(units * inputs, std ?? Math.sqrt(2 / inputs)),
      weightsShape: [units, inputs],
      bias: this.randoms(units, 0.2),
      activation,
    });
    return output;
  }

  /** Appends the softmax and returns the graph. */
  finish(logits: number): DeployGraph {
    const output = this.tensor('probabilities', [...this.shape(logits)]);
    this.ops.push({ kind: 'softmax', layer: 'softmax', input: logits, output });
    return { tensors: this.tensors, ops: this.ops, input: this.input, logits, output };
  }

  /** `count` random inputs of the graph's input size (normal, unit variance). */
  inputs(count: number, seed: number): Float32Array[] {
    const random = seededRandom(seed);
    const size = this.shape(this.input).reduce((a, b) => a * b, 1);
    return Array.from({ length: count }, () => Float32Array.from({ length: size }, () => random.normal()));
  }
}
