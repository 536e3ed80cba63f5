import type { DeployGraph } from '../graph/DeployGraph.ts';

/** An int8 tensor's real value = scale × (q − zeroPoint) (TFLite's affine quantization). */
export interface TensorQuantization {
  scale: number;
  zeroPoint: number;
}

/**
 * An op's int8 weights, symmetric per output channel (zero point 0, values in [−127, 127]): CONV_2D
 * along dim 0, DEPTHWISE_CONV_2D along dim 3, FULLY_CONNECTED along dim 0, as TF 2.21 writes them.
 * The bias is int32 with scale = input scale × the channel's weight scale, zero point 0.
 */
export interface QuantizedWeights {
  /** Same layout and length as the float op's filter / weights. */
  values: Int8Array;
  /** One per output channel. */
  scales: Float32Array;
  bias: Int32Array;
  /** `bias` scales: input scale × `scales[c]`. */
  biasScales: Float32Array;
  /** The dimension the channels run along in `values` (0 for conv and dense, 3 for depthwise). */
  channelAxis: number;
}

/**
 * A DeployGraph with everything full-integer quantization adds: one (scale, zero point) per
 * activation tensor from calibration (softmax's output fixed at 1/256, −128; reshape and max
 * pooling keep their input's; mean has its own, as TF's converter gives it) and int8 weights per weighted op.
 */
export interface QuantizedGraph {
  graph: DeployGraph;
  /** Indexed by tensor id. */
  activations: TensorQuantization[];
  /** Indexed by op index; null for ops without weights. */
  weights: (QuantizedWeights | null)[];
  /** How many representative inputs set the activation ranges. */
  calibrationInputs: number;
}
