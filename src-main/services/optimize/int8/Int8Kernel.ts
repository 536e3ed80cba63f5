/**
 * One prepared int8 op: its parameters computed once (as a TFLite kernel's Prepare does) and a run
 * that reads its inputs from and writes its output into the graph's per-tensor buffers.
 */
export type Int8Kernel = (tensors: Int8Array[]) => void;

/** A tensor's int8 quantization as the .tflite file holds it: a float32 scale. */
export interface Int8Quantization {
  scale: number;
  zeroPoint: number;
}
