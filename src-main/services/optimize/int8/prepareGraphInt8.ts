import type { GraphOp } from '../graph/DeployGraph.ts';
import type { QuantizedGraph, QuantizedWeights } from '../quantize/QuantizedGraph.ts';
import { prepareAdd } from './add.ts';
import { prepareConv2d, prepareDepthwiseConv2d } from './convolution.ts';
import { prepareFullyConnected, type FullyConnectedRescale } from './fullyConnected.ts';
import type { Int8Kernel, Int8Quantization } from './Int8Kernel.ts';
import { prepareMaxPool } from './maxPool.ts';
import { prepareMean } from './mean.ts';
import { prepareSoftmax } from './softmax.ts';

export interface Int8EngineOptions {
  /** Default 'double', TF 2.21's reference kernel; 'integer' is TFLite Micro's arithmetic. */
  fullyConnectedRescale?: FullyConnectedRescale;
}

/** A QuantizedGraph made ready to run: parameters computed once, one int8 buffer per tensor. */
export interface PreparedInt8Graph {
  /** Indexed by tensor id; `run` overwrites them, the graph input is read from `tensors[input]`. */
  tensors: Int8Array[];
  /** The input tensor's quantization (float32 scale), for QUANTIZE. */
  input: Int8Quantization;
  run(): void;
}

/**
 * Prepares a QuantizedGraph for int8 inference the way TFLite's Prepare does: scales read as the
 * float32 values a .tflite file holds, multipliers and shifts computed once per op.
 */
export function prepareGraphInt8(model: QuantizedGraph, options: Int8EngineOptions = {}): PreparedInt8Graph {
  const { graph } = model;
  const quantization = graph.tensors.map((tensor): Int8Quantization => {
    const q = model.activations[tensor.id];
    if (!q || !(q.scale > 0) || !Number.isInteger(q.zeroPoint) || q.zeroPoint < -128 || q.zeroPoint > 127)
      throw new Error(
        `int8 engine: tensor ${tensor.id} ("${tensor.name}") has no valid int8 quantization (${JSON.stringify(q)})`,
      );
    return { scale: Math.fround(q.scale), zeroPoint: q.zeroPoint };
  });
  const sizes = graph.tensors.map((tensor) => tensor.shape.reduce((a, b) => a * b, 1));
  const tensors = sizes.map((size) => new Int8Array(size));
  const kernels = graph.ops.map((op, index) =>
    prepareOp(op, model.weights[index] ?? null, index, model, quantization, sizes, options),
  );
  return {
    tensors,
    input: quantization[graph.input]!,
    run() {
      for (const kernel of kernels) kernel(tensors);
    },
  };
}

function prepareOp(
  op: GraphOp,
  weights: QuantizedWeights | null,
  index: number,
  model: QuantizedGraph,
  quantization: Int8Quantization[],
  sizes: number[],
  options: Int8EngineOptions,
): Int8Kernel {
  const shape = (id: number): number[] => model.graph.tensors[id]!.shape;
  const needWeights = (channelAxis: number, filterShape: readonly number[]): QuantizedWeights => {
    if (!weights) throw new Error(`int8 engine: op ${index} ("${op.layer}", ${op.kind}) has no int8 weights`);
    const channels = filterShape[channelAxis]!;
    if (weights.values.length !== filterShape.reduce((a, b) => a * b, 1))
      throw new Error(
        `int8 engine: op ${index} ("${op.layer}") has ${weights.values.length} int8 weights for a [${filterShape.join(', ')}] filter`,
      );
    if (weights.channelAxis !== channelAxis || weights.scales.length !== channels || weights.bias.length !== channels)
      throw new Error(
        `int8 engine: op ${index} ("${op.layer}") has int8 weights along axis ${weights.channelAxis} with ` +
          `${weights.scales.length} scales and ${weights.bias.length} biases; ${op.kind} needs ${channels} along axis ${channelAxis}`,
      );
    return weights;
  };
  switch (op.kind) {
    case 'conv2d':
      return prepareConv2d(
        op,
        needWeights(0, op.filterShape),
        shape(op.input),
        shape(op.output),
        quantization[op.input]!,
        quantization[op.output]!,
      );
    case 'depthwise_conv2d':
      return prepareDepthwiseConv2d(
        op,
        needWeights(3, op.filterShape),
        shape(op.input),
        shape(op.output),
        quantization[op.input]!,
        quantization[op.output]!,
      );
    case 'fully_connected':
      return prepareFullyConnected(
        op,
        needWeights(0, op.weightsShape),
        sizes[op.input]!,
        sizes[op.output]!,
        quantization[op.input]!,
        quantization[op.output]!,
        options.fullyConnectedRescale ?? 'double',
      );
    case 'add': {
      const [a, b] = op.inputs;
      if (sizes[a] !== sizes[b] || sizes[a] !== sizes[op.output])
        throw new Error(
          `int8 engine: op "${op.layer}" adds tensors of ${sizes[a]} and ${sizes[b]} values (no broadcasting)`,
        );
      return prepareAdd(op, sizes[op.output]!, quantization[a]!, quantization[b]!, quantization[op.output]!);
    }
    case 'max_pool2d':
      return prepareMaxPool(op, shape(op.input), shape(op.output));
    case 'mean':
      return prepareMean(op, shape(op.input), sizes[op.output]!, quantization[op.input]!, quantization[op.output]!);
    case 'reshape': {
      if (sizes[op.input] !== sizes[op.output])
        throw new Error(`int8 engine: op "${op.layer}" reshapes ${sizes[op.input]} values into ${sizes[op.output]}`);
      // TFLite's RESHAPE copies the bytes: the quantization is the input's.
      return (tensors) => tensors[op.output]!.set(tensors[op.input]!);
    }
    case 'softmax':
      return prepareSoftmax(op, sizes[op.output]!, quantization[op.input]!, quantization[op.output]!);
  }
}
