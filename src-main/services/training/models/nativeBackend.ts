import type * as tfjs from '@tensorflow/tfjs-node';
import type { Tf } from './ModelLayer.ts';

export interface OpAttr {
  name: string;
  type: number;
  value: boolean | number | string | number[];
}

/** The part of tfjs-node's backend that executes any TensorFlow op by name (eager, native kernels). */
export interface NativeBackend {
  binding: {
    TF_FLOAT: number;
    TF_INT32: number;
    TF_ATTR_TYPE: number;
    TF_ATTR_FLOAT: number;
    TF_ATTR_STRING: number;
    TF_ATTR_BOOL: number;
    TF_ATTR_INT: number;
    TF_ATTR_SHAPE: number;
  };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tfjs.Tensor[]): tfjs.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tfjs.Tensor[], outputs: number): tfjs.Tensor[];
}

/** tfjs-node's native backend, or null under the pure-JavaScript fallback (composite ops are used then). */
export function nativeBackend(tf: Tf): NativeBackend | null {
  if (tf.getBackend() !== 'tensorflow') return null;
  const backend = tf.backend() as unknown as Partial<NativeBackend>;
  return typeof backend.executeMultipleOutputs === 'function' && backend.binding ? (backend as NativeBackend) : null;
}

/** The `T: float32` attribute most ops take. */
export function floatTypeAttr(backend: NativeBackend): OpAttr {
  return { name: 'T', type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT };
}
