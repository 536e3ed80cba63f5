import type { DeployGraph, GraphOp, GraphTensor } from '../../optimize/graph/DeployGraph.ts';
import type { QuantizedGraph, QuantizedWeights, TensorQuantization } from '../../optimize/quantize/QuantizedGraph.ts';
import type { TfliteBuiltinOptions, TfliteModel, TfliteTensor } from './TfliteModel.ts';
import type { BuiltinOperatorName } from './tfliteSchema.ts';
import { littleEndianBytes } from './littleEndianBytes.ts';
import { tfliteOpVersion } from './tfliteOpVersion.ts';

export interface WriteTfliteOptions {
  /**
   * The model's input and output type. 'float32' on an int8 model wraps it in QUANTIZE … DEQUANTIZE
   * (what a float feature pipeline can feed); 'int8' takes and returns int8 with the model's own
   * scale and zero point (what TFLite Micro deployments use). A float model is always float32.
   */
  io: 'int8' | 'float32';
}

export function isQuantizedGraph(model: DeployGraph | QuantizedGraph): model is QuantizedGraph {
  return 'graph' in model && 'activations' in model;
}

/**
 * Lays a DeployGraph (float) or QuantizedGraph (int8) out as TFLite tensors and operators, the way TF's
 * converter writes the same Keras model: activation tensors keep the graph's ids and names, each op's
 * constants (weights, bias, MEAN's axes, RESHAPE's shape) follow them, named after the op's layer.
 */
export function tfliteModelFromGraph(model: DeployGraph | QuantizedGraph, options: WriteTfliteOptions): TfliteModel {
  const quantized = isQuantizedGraph(model) ? model : null;
  const graph = quantized ? quantized.graph : (model as DeployGraph);
  if (options.io !== 'int8' && options.io !== 'float32')
    throw new Error(`unknown TFLite input/output type '${String(options.io)}': use 'int8' or 'float32'`);
  if (!quantized && options.io === 'int8')
    throw new Error(
      "a float model cannot take int8 input and output: quantize it first, or write it with io 'float32'",
    );
  if (quantized) checkQuantizedGraph(quantized);
  const types = quantized ? 'int8' : 'float32';

  const tensors: TfliteTensor[] = graph.tensors.map((tensor, id) => {
    if (tensor.id !== id) throw new Error(`tensor ${tensor.name} has id ${tensor.id} at position ${id}`);
    return {
      name: tensor.name,
      shape: tensor.shape,
      type: types,
      quantization: quantized ? perTensor(quantized.activations[id]!) : undefined,
    };
  });
  const tensorOf = (id: number, op: GraphOp): GraphTensor => {
    const tensor = graph.tensors[id];
    if (!tensor)
      throw new Error(`layer ${op.layer} (${op.kind}) refers to tensor ${id}, which the graph does not have`);
    return tensor;
  };
  const addTensor = (tensor: TfliteTensor): number => tensors.push(tensor) - 1;
  const operators: TfliteModel['operators'] = [];
  const addOperator = (
    opcode: BuiltinOperatorName,
    inputs: number[],
    outputs: number[],
    opOptions: TfliteBuiltinOptions | null,
  ) => operators.push({ opcode, version: tfliteOpVersion(opcode, types), inputs, outputs, options: opOptions });

  const floatEdges = quantized !== null && options.io === 'float32';
  let input = graph.input;
  if (floatEdges) {
    const graphInput = graph.tensors[graph.input]!;
    input = addTensor({ name: `${graphInput.name}_float32`, shape: graphInput.shape, type: 'float32' });
    addOperator('QUANTIZE', [input], [graph.input], null);
  }

  graph.ops.forEach((op, index) => {
    const output = tensorOf(op.output, op);
    const weights = quantized ? quantized.weights[index] : null;
    if (quantized && !weights && hasWeights(op))
      throw new Error(`layer ${op.layer} (${op.kind}, op ${index}) has no int8 weights in the quantized graph`);
    const constants = (filter: Float32Array, shape: number[], bias: Float32Array) => {
      // TFLite's kernels read per-channel scales along the output channels: dim 3 for depthwise, else 0.
      const axis = op.kind === 'depthwise_conv2d' ? 3 : 0;
      if (weights && weights.channelAxis !== axis)
        throw new Error(
          `layer ${op.layer} (${op.kind}) has int8 weights quantized along dim ${weights.channelAxis}; TFLite reads them along dim ${axis}`,
        );
      const channels = shape[axis]!;
      checkWeights(op, filter, shape, bias, channels, weights);
      const filterName = op.kind === 'fully_connected' ? 'weights' : 'filter';
      return [
        addTensor(
          weights
            ? {
                name: `${op.layer}/${filterName}`,
                shape,
                type: 'int8',
                data: littleEndianBytes(weights.values),
                quantization: perChannel(weights.scales, weights.channelAxis),
              }
            : { name: `${op.layer}/${filterName}`, shape, type: 'float32', data: littleEndianBytes(filter) },
        ),
        addTensor(
          weights
            ? {
                name: `${op.layer}/bias`,
                shape: [channels],
                type: 'int32',
                data: littleEndianBytes(weights.bias),
                quantization: perChannel(weights.biasScales, 0),
              }
            : { name: `${op.layer}/bias`, shape: [channels], type: 'float32', data: littleEndianBytes(bias) },
        ),
      ];
    };
    switch (op.kind) {
      case 'conv2d':
      case 'depthwise_conv2d': {
        tensorOf(op.input, op);
        const [filter, bias] = constants(op.filter, op.filterShape, op.bias);
        addOperator(op.kind === 'conv2d' ? 'CONV_2D' : 'DEPTHWISE_CONV_2D', [op.input, filter!, bias!], [op.output], {
          kind: op.kind,
          padding: op.padding,
          stride: op.stride,
          activation: op.activation,
        });
        return;
      }
      case 'fully_connected': {
        tensorOf(op.input, op);
        const [filter, bias] = constants(op.weights, op.weightsShape, op.bias);
        addOperator('FULLY_CONNECTED', [op.input, filter!, bias!], [op.output], {
          kind: 'fully_connected',
          activation: op.activation,
        });
        return;
      }
      case 'add':
        op.inputs.forEach((id) => tensorOf(id, op));
        addOperator('ADD', [...op.inputs], [op.output], { kind: 'add', activation: op.activation });
        return;
      case 'max_pool2d':
        tensorOf(op.input, op);
        addOperator('MAX_POOL_2D', [op.input], [op.output], {
          kind: 'pool2d',
          padding: op.padding,
          stride: op.stride,
          filter: op.filter,
        });
        return;
      case 'mean': {
        tensorOf(op.input, op);
        // Global average pooling as TF's converter writes it: MEAN over height and width, axes an int32 constant.
        const axes = addTensor({
          name: `${op.layer}/axes`,
          shape: [2],
          type: 'int32',
          data: littleEndianBytes(Int32Array.of(1, 2)),
        });
        addOperator('MEAN', [op.input, axes], [op.output], { kind: 'reducer', keepDims: false });
        return;
      }
      case 'reshape': {
        const from = tensorOf(op.input, op);
        const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
        if (size(from.shape) !== size(output.shape))
          throw new Error(
            `layer ${op.layer} reshapes [${from.shape.join(', ')}] to [${output.shape.join(', ')}]: the sizes differ`,
          );
        // The new shape both as the second input (what the kernel reads) and in ReshapeOptions (older runtimes).
        const shape = addTensor({
          name: `${op.layer}/shape`,
          shape: [output.shape.length],
          type: 'int32',
          data: littleEndianBytes(Int32Array.from(output.shape)),
        });
        addOperator('RESHAPE', [op.input, shape], [op.output], { kind: 'reshape', newShape: output.shape });
        return;
      }
      case 'softmax':
        tensorOf(op.input, op);
        addOperator('SOFTMAX', [op.input], [op.output], { kind: 'softmax', beta: 1 });
        return;
    }
  });

  let output = graph.output;
  if (floatEdges) {
    const graphOutput = graph.tensors[graph.output]!;
    output = addTensor({ name: `${graphOutput.name}_float32`, shape: graphOutput.shape, type: 'float32' });
    addOperator('DEQUANTIZE', [graph.output], [output], null);
  }

  return {
    description: `KWS Studio (${quantized ? `int8, ${options.io} input and output` : 'float32'})`,
    tensors,
    operators,
    inputs: [input],
    outputs: [output],
    signature: { inputs: ['input'], outputs: ['output'] },
  };
}

function hasWeights(op: GraphOp): boolean {
  return op.kind === 'conv2d' || op.kind === 'depthwise_conv2d' || op.kind === 'fully_connected';
}

function perTensor(quantization: TensorQuantization): TfliteTensor['quantization'] {
  return { scale: [quantization.scale], zeroPoint: [quantization.zeroPoint], quantizedDimension: 0 };
}

function perChannel(scales: Float32Array, axis: number): TfliteTensor['quantization'] {
  return { scale: scales, zeroPoint: new Array<number>(scales.length).fill(0), quantizedDimension: axis };
}

function checkWeights(
  op: GraphOp,
  filter: Float32Array,
  shape: number[],
  bias: Float32Array,
  channels: number,
  weights: QuantizedWeights | null | undefined,
): void {
  const size = shape.reduce((a, b) => a * b, 1);
  const problem =
    filter.length !== size
      ? `has ${filter.length} weights for the shape [${shape.join(', ')}] (${size})`
      : bias.length !== channels
        ? `has ${bias.length} biases for ${channels} output channels`
        : weights && weights.values.length !== size
          ? `has ${weights.values.length} int8 weights for the shape [${shape.join(', ')}] (${size})`
          : weights && (weights.scales.length !== channels || weights.biasScales.length !== channels)
            ? `has ${weights.scales.length} weight scales and ${weights.biasScales.length} bias scales for ${channels} channels`
            : weights && weights.bias.length !== channels
              ? `has ${weights.bias.length} int32 biases for ${channels} channels`
              : null;
  if (problem) throw new Error(`layer ${op.layer} (${op.kind}) ${problem}`);
}

function checkQuantizedGraph(quantized: QuantizedGraph): void {
  const { graph, activations } = quantized;
  if (activations.length !== graph.tensors.length)
    throw new Error(
      `the quantized graph has ${activations.length} activation scales for ${graph.tensors.length} tensors`,
    );
  activations.forEach(({ scale, zeroPoint }, id) => {
    if (!(scale > 0 && Number.isFinite(scale)) || !Number.isInteger(zeroPoint) || zeroPoint < -128 || zeroPoint > 127)
      throw new Error(
        `tensor ${graph.tensors[id]!.name} has int8 scale ${scale} and zero point ${zeroPoint}: the scale must be positive and the zero point an integer in [-128, 127]`,
      );
  });
}
