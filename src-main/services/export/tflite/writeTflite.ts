import type { DeployGraph } from '../../optimize/graph/DeployGraph.ts';
import type { QuantizedGraph } from '../../optimize/quantize/QuantizedGraph.ts';
import { serializeTflite } from './serializeTflite.ts';
import { tfliteModelFromGraph, type WriteTfliteOptions } from './tfliteModelFromGraph.ts';

export type { WriteTfliteOptions } from './tfliteModelFromGraph.ts';

/**
 * The .tflite file of a deployed model: float32 for a DeployGraph, full-integer int8 for a
 * QuantizedGraph (with float32 or int8 input and output). One subgraph, batch 1, the op versions TF
 * 2.21's converter writes, so TensorFlow's interpreter and TFLite Micro run it as they would the
 * converter's file.
 */
export function writeTflite(model: DeployGraph | QuantizedGraph, options: WriteTfliteOptions): Uint8Array {
  return serializeTflite(tfliteModelFromGraph(model, options));
}
