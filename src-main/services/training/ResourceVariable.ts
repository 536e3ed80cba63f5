import type * as tfjs from '@tensorflow/tfjs-node';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import type { NativeBackend, OpAttr } from './models/nativeBackend.ts';

let created = 0;

/**
 * A TensorFlow resource variable held through tfjs-node's binding: what TensorFlow's fused training
 * kernels (ResourceApplyAdam, …) update in place. tfjs variables are plain immutable tensors, so
 * they cannot be used there.
 */
export class ResourceVariable {
  private readonly handle: tfjs.Tensor;
  private readonly dtypeAttr: OpAttr[];

  constructor(
    private readonly tf: TensorflowModule,
    private readonly backend: NativeBackend,
    readonly shape: readonly number[],
    initial: tfjs.Tensor,
  ) {
    const { binding } = backend;
    this.dtypeAttr = [{ name: 'dtype', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT }];
    this.handle = tf.keep(
      backend.executeSingleOutput(
        'VarHandleOp',
        [
          ...this.dtypeAttr,
          { name: 'shape', type: binding.TF_ATTR_SHAPE, value: [...shape] },
          { name: 'container', type: binding.TF_ATTR_STRING, value: '' },
          // Unique per process; the resource lives in TensorFlow's resource manager until dispose().
          { name: 'shared_name', type: binding.TF_ATTR_STRING, value: `kws_studio_${process.pid}_${++created}` },
        ],
        [],
      ),
    );
    this.assign(initial);
  }

  /** The handle, as the first inputs of TensorFlow's resource ops take it. */
  get input(): tfjs.Tensor {
    return this.handle;
  }

  assign(value: tfjs.Tensor): void {
    this.backend.executeMultipleOutputs('AssignVariableOp', this.dtypeAttr, [this.handle, value], 0);
  }

  /**
   * The current value. It shares the variable's buffer until the next update, which copies first
   * while a read is alive (TensorFlow's copy-on-write), so the value read never changes.
   */
  read(): tfjs.Tensor {
    return this.backend.executeSingleOutput('ReadVariableOp', this.dtypeAttr, [this.handle]);
  }

  dispose(): void {
    const { binding } = this.backend;
    this.backend.executeMultipleOutputs(
      'DestroyResourceOp',
      [{ name: 'ignore_lookup_error', type: binding.TF_ATTR_BOOL, value: true }],
      [this.handle],
      0,
    );
    this.tf.dispose(this.handle);
  }
}
