import type * as tfjs from '@tensorflow/tfjs-node';
import type { TensorflowModule } from '../../tensorflow/loadTensorflow.ts';
import type { DeployGraph, FusedActivation, GraphOp } from './DeployGraph.ts';

/** The observed range of one activation tensor over every input run. */
export interface TensorRange {
  min: number;
  max: number;
}

export interface FloatGraphRun {
  /** N × classes, row-major. */
  logits: Float32Array;
  /** N × classes softmax probabilities (the graph's output). */
  probabilities: Float32Array;
  /**
   * Indexed by tensor id: min and max of every value the tensor took (calibration's raw material);
   * left at +∞/−∞ when the caller did not ask for them.
   */
  ranges: TensorRange[];
}

/**
 * Runs a DeployGraph in float32 with native TensorFlow ops, `batchSize` inputs at a time. Each input
 * is one model input (frames × bins, normalized). Used to check folding against the trained model
 * and to calibrate int8 activation ranges.
 */
export function runGraphFloat(
  tf: TensorflowModule,
  graph: DeployGraph,
  inputs: readonly Float32Array[],
  batchSize = 64,
  recordRanges = true,
): FloatGraphRun {
  const inputShape = graph.tensors[graph.input]!.shape;
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const classes = graph.tensors[graph.output]!.shape.at(-1)!;
  for (const [index, input] of inputs.entries()) {
    if (input.length !== inputSize)
      throw new Error(
        `input ${index} has ${input.length} values, the model takes ${inputSize} ([${inputShape.join(', ')}])`,
      );
  }
  const ranges: TensorRange[] = graph.tensors.map(() => ({ min: Infinity, max: -Infinity }));
  const logits = new Float32Array(inputs.length * classes);
  const probabilities = new Float32Array(inputs.length * classes);
  const weights = tf.tidy(() => graph.ops.map((op) => weightTensors(tf, op)));
  try {
    for (let start = 0; start < inputs.length; start += batchSize) {
      const chunk = inputs.slice(start, start + batchSize);
      const values = new Map<number, tfjs.Tensor>();
      try {
        const data = new Float32Array(chunk.length * inputSize);
        chunk.forEach((input, i) => data.set(input, i * inputSize));
        values.set(graph.input, tf.tensor(data, [chunk.length, ...inputShape.slice(1)]));
        graph.ops.forEach((op, index) => {
          values.set(op.output, applyOp(tf, op, values, weights[index]!));
        });
        // Two reductions and two reads per tensor and batch: only calibration needs them.
        if (recordRanges)
          for (const [id, tensor] of values) {
            const range = ranges[id]!;
            const [min, max] = tf.tidy(() => [tensor.min().dataSync()[0]!, tensor.max().dataSync()[0]!]);
            range.min = Math.min(range.min, min!);
            range.max = Math.max(range.max, max!);
          }
        logits.set(values.get(graph.logits)!.dataSync() as Float32Array, start * classes);
        probabilities.set(values.get(graph.output)!.dataSync() as Float32Array, start * classes);
      } finally {
        tf.dispose([...values.values()]);
      }
    }
  } finally {
    tf.dispose(weights.flat());
  }
  return { logits, probabilities, ranges };
}

/** The op's weights in TF.js layouts: conv [kh, kw, in, out], depthwise [kh, kw, c, 1], dense [in, out]. */
function weightTensors(tf: TensorflowModule, op: GraphOp): tfjs.Tensor[] {
  switch (op.kind) {
    case 'conv2d':
      return [tf.tensor4d(op.filter, op.filterShape).transpose([1, 2, 3, 0]), tf.tensor1d(op.bias)];
    case 'depthwise_conv2d': {
      const [, kh, kw, channels] = op.filterShape;
      return [tf.tensor4d(op.filter, [kh, kw, channels, 1]), tf.tensor1d(op.bias)];
    }
    case 'fully_connected':
      return [tf.tensor2d(op.weights, op.weightsShape).transpose(), tf.tensor1d(op.bias)];
    default:
      return [];
  }
}

function applyOp(
  tf: TensorflowModule,
  op: GraphOp,
  values: Map<number, tfjs.Tensor>,
  weights: tfjs.Tensor[],
): tfjs.Tensor {
  return tf.tidy(() => {
    const x = op.kind === 'add' ? values.get(op.inputs[0])! : values.get(op.input)!;
    switch (op.kind) {
      case 'conv2d':
        return activate(
          tf,
          tf.conv2d(x as tfjs.Tensor4D, weights[0] as tfjs.Tensor4D, op.stride, op.padding).add(weights[1]!),
          op.activation,
        );
      case 'depthwise_conv2d':
        return activate(
          tf,
          tf.depthwiseConv2d(x as tfjs.Tensor4D, weights[0] as tfjs.Tensor4D, op.stride, op.padding).add(weights[1]!),
          op.activation,
        );
      case 'fully_connected':
        return activate(tf, tf.matMul(x as tfjs.Tensor2D, weights[0] as tfjs.Tensor2D).add(weights[1]!), op.activation);
      case 'add':
        return activate(tf, tf.add(x, values.get(op.inputs[1])!), op.activation);
      case 'max_pool2d':
        return tf.maxPool(x as tfjs.Tensor4D, op.filter, op.stride, op.padding);
      case 'mean':
        return tf.mean(x, [1, 2]);
      case 'reshape':
        return tf.reshape(x, [x.shape[0]!, x.size / x.shape[0]!]);
      case 'softmax':
        return tf.softmax(x as tfjs.Tensor2D);
    }
  });
}

function activate(tf: TensorflowModule, x: tfjs.Tensor, activation: FusedActivation): tfjs.Tensor {
  return activation === 'relu' ? tf.relu(x) : activation === 'relu6' ? tf.relu6(x) : x;
}
