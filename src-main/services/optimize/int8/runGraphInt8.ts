import type { QuantizedGraph } from '../quantize/QuantizedGraph.ts';
import { prepareGraphInt8, type Int8EngineOptions } from './prepareGraphInt8.ts';
import { quantizeToInt8 } from './quantizedMultiplier.ts';

export interface Int8GraphRun {
  /** Argmax of each input's int8 logits, ties to the lowest index. */
  predictions: Int32Array;
  /** N × classes: the int8 softmax output dequantized, (q + 128) / 256. */
  probabilities: Float32Array;
  /** N × classes int8 logits (the softmax's input). */
  logits: Int8Array;
  /** N × classes int8 softmax output, as the .tflite model's int8 output tensor holds it. */
  outputs: Int8Array;
}

/**
 * Runs a QuantizedGraph in int8 with the arithmetic of TFLite's reference integer kernels, so the
 * studio can measure the accuracy of the int8 model it ships without Python. Each input is one float
 * model input (frames × bins), quantized with the input tensor's scale and zero point as QUANTIZE does.
 */
export function runGraphInt8(
  model: QuantizedGraph,
  inputs: readonly Float32Array[],
  options: Int8EngineOptions = {},
): Int8GraphRun {
  const { graph } = model;
  const prepared = prepareGraphInt8(model, options);
  const inputSize = prepared.tensors[graph.input]!.length;
  const classes = prepared.tensors[graph.logits]!.length;
  if (prepared.tensors[graph.output]!.length !== classes)
    throw new Error(
      `int8 engine: the graph's output has ${prepared.tensors[graph.output]!.length} values, its logits ${classes}`,
    );
  const predictions = new Int32Array(inputs.length);
  const probabilities = new Float32Array(inputs.length * classes);
  const logits = new Int8Array(inputs.length * classes);
  const outputs = new Int8Array(inputs.length * classes);
  const { scale, zeroPoint } = prepared.input;
  const quantized = prepared.tensors[graph.input]!;
  for (const [n, input] of inputs.entries()) {
    if (input.length !== inputSize)
      throw new Error(
        `int8 engine: input ${n} has ${input.length} values, the model takes ${inputSize} ([${graph.tensors[graph.input]!.shape.join(', ')}])`,
      );
    for (let i = 0; i < inputSize; i++) quantized[i] = quantizeToInt8(input[i]!, scale, zeroPoint);
    prepared.run();
    const rowLogits = prepared.tensors[graph.logits]!;
    const rowOutput = prepared.tensors[graph.output]!;
    let best = 0;
    for (let c = 0; c < classes; c++) {
      if (rowLogits[c]! > rowLogits[best]!) best = c;
      probabilities[n * classes + c] = (rowOutput[c]! + 128) / 256;
    }
    predictions[n] = best;
    logits.set(rowLogits, n * classes);
    outputs.set(rowOutput, n * classes);
  }
  return { predictions, probabilities, logits, outputs };
}
