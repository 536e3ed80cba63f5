import type { MaxPool2dOp } from '../graph/DeployGraph.ts';
import type { Int8Kernel } from './Int8Kernel.ts';
import { expectDimension, windowDimension } from './padding.ts';

/**
 * MAX_POOL_2D int8 (reference_integer_ops::MaxPool): the largest in-image value of each window.
 * Input and output share one quantization, so values are copied as they are; no activation.
 */
export function prepareMaxPool(
  op: MaxPool2dOp,
  inputShape: readonly number[],
  outputShape: readonly number[],
): Int8Kernel {
  if (inputShape.length !== 4 || outputShape.length !== 4)
    throw new Error(`int8 engine: op "${op.layer}" pools [1, h, w, c] tensors, got [${inputShape.join(', ')}]`);
  const [, height, width, channels] = inputShape as [number, number, number, number];
  const [, outHeight, outWidth, outChannels] = outputShape as [number, number, number, number];
  expectDimension(op.layer, 'output channels', outChannels, channels);
  const rows = windowDimension(height, op.filter[0], op.stride[0], op.padding);
  const cols = windowDimension(width, op.filter[1], op.stride[1], op.padding);
  expectDimension(op.layer, 'output height', outHeight, rows.output);
  expectDimension(op.layer, 'output width', outWidth, cols.output);
  const [kh, kw] = op.filter;
  const [strideH, strideW] = op.stride;
  return (tensors) => {
    const x = tensors[op.input]!;
    const y = tensors[op.output]!;
    let o = 0;
    for (let oy = 0; oy < outHeight; oy++) {
      const iy0 = oy * strideH - rows.padBefore;
      const fy0 = Math.max(0, -iy0);
      const fy1 = Math.min(kh, height - iy0);
      for (let ox = 0; ox < outWidth; ox++) {
        const ix0 = ox * strideW - cols.padBefore;
        const fx0 = Math.max(0, -ix0);
        const fx1 = Math.min(kw, width - ix0);
        for (let c = 0; c < channels; c++) {
          let max = -128;
          for (let fy = fy0; fy < fy1; fy++) {
            for (let fx = fx0; fx < fx1; fx++) {
              const v = x[((iy0 + fy) * width + ix0 + fx) * channels + c]!;
              if (v > max) max = v;
            }
          }
          y[o++] = max;
        }
      }
    }
  };
}
