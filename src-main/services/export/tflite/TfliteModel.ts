import type { FusedActivation, Padding } from '../../optimize/graph/DeployGraph.ts';
import type { BuiltinOperatorName } from './tfliteSchema.ts';

/**
 * A .tflite model as plain data, one subgraph, before serialization: what `serializeTflite` writes
 * and what `tfliteModelFromGraph` builds from a DeployGraph. Indexes are positions in `tensors`.
 */
export interface TfliteModel {
  description: string;
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
  /** The serving signature's names for the inputs and outputs (same order). */
  signature: { inputs: string[]; outputs: string[] };
}

export type TfliteTensorType = 'float32' | 'int32' | 'int8';

export interface TfliteTensor {
  name: string;
  shape: number[];
  type: TfliteTensorType;
  /** Little-endian bytes of a constant tensor; absent for activations. */
  data?: Uint8Array;
  quantization?: TfliteQuantization;
}

/** real = scale × (q − zero point); one entry per tensor, or one per channel along `quantizedDimension`. */
export interface TfliteQuantization {
  scale: ArrayLike<number>;
  zeroPoint: ArrayLike<number>;
  quantizedDimension: number;
}

export interface TfliteOperator {
  opcode: BuiltinOperatorName;
  version: number;
  inputs: number[];
  outputs: number[];
  options: TfliteBuiltinOptions | null;
}

export type TfliteBuiltinOptions =
  | { kind: 'conv2d'; padding: Padding; stride: [number, number]; activation: FusedActivation }
  | { kind: 'depthwise_conv2d'; padding: Padding; stride: [number, number]; activation: FusedActivation }
  | { kind: 'pool2d'; padding: Padding; stride: [number, number]; filter: [number, number] }
  | { kind: 'fully_connected'; activation: FusedActivation }
  | { kind: 'softmax'; beta: number }
  | { kind: 'add'; activation: FusedActivation }
  | { kind: 'reshape'; newShape: number[] }
  | { kind: 'reducer'; keepDims: boolean };
