import type { Builder } from 'flatbuffers';
import type { TfliteBuiltinOptions } from './TfliteModel.ts';
import { ActivationFunctionType, BuiltinOptionsType, Padding, Slot, fieldCount } from './tfliteSchema.ts';
import { int32Vector } from './flatbufferVectors.ts';

/** Writes an operator's options table; returns the BuiltinOptions union type and the table. */
export function writeBuiltinOptions(builder: Builder, options: TfliteBuiltinOptions): { type: number; offset: number } {
  switch (options.kind) {
    case 'conv2d': {
      const slot = Slot.Conv2DOptions;
      builder.startObject(fieldCount(slot));
      builder.addFieldInt8(slot.padding, Padding[options.padding], 0);
      builder.addFieldInt32(slot.stride_w, options.stride[1], 0);
      builder.addFieldInt32(slot.stride_h, options.stride[0], 0);
      builder.addFieldInt8(slot.fused_activation_function, ActivationFunctionType[options.activation], 0);
      return { type: BuiltinOptionsType.Conv2DOptions, offset: builder.endObject() };
    }
    case 'depthwise_conv2d': {
      const slot = Slot.DepthwiseConv2DOptions;
      builder.startObject(fieldCount(slot));
      builder.addFieldInt8(slot.padding, Padding[options.padding], 0);
      builder.addFieldInt32(slot.stride_w, options.stride[1], 0);
      builder.addFieldInt32(slot.stride_h, options.stride[0], 0);
      builder.addFieldInt32(slot.depth_multiplier, 1, 0);
      builder.addFieldInt8(slot.fused_activation_function, ActivationFunctionType[options.activation], 0);
      return { type: BuiltinOptionsType.DepthwiseConv2DOptions, offset: builder.endObject() };
    }
    case 'pool2d': {
      const slot = Slot.Pool2DOptions;
      builder.startObject(fieldCount(slot));
      builder.addFieldInt8(slot.padding, Padding[options.padding], 0);
      builder.addFieldInt32(slot.stride_w, options.stride[1], 0);
      builder.addFieldInt32(slot.stride_h, options.stride[0], 0);
      builder.addFieldInt32(slot.filter_width, options.filter[1], 0);
      builder.addFieldInt32(slot.filter_height, options.filter[0], 0);
      return { type: BuiltinOptionsType.Pool2DOptions, offset: builder.endObject() };
    }
    case 'fully_connected': {
      // weights_format DEFAULT and keep_num_dims false are the schema's defaults: [1, in] → [1, out].
      const slot = Slot.FullyConnectedOptions;
      builder.startObject(fieldCount(slot));
      builder.addFieldInt8(slot.fused_activation_function, ActivationFunctionType[options.activation], 0);
      return { type: BuiltinOptionsType.FullyConnectedOptions, offset: builder.endObject() };
    }
    case 'softmax': {
      const slot = Slot.SoftmaxOptions;
      builder.startObject(fieldCount(slot));
      builder.addFieldFloat32(slot.beta, options.beta, 0);
      return { type: BuiltinOptionsType.SoftmaxOptions, offset: builder.endObject() };
    }
    case 'add': {
      const slot = Slot.AddOptions;
      builder.startObject(fieldCount(slot));
      builder.addFieldInt8(slot.fused_activation_function, ActivationFunctionType[options.activation], 0);
      return { type: BuiltinOptionsType.AddOptions, offset: builder.endObject() };
    }
    case 'reshape': {
      const slot = Slot.ReshapeOptions;
      const newShape = int32Vector(builder, options.newShape);
      builder.startObject(fieldCount(slot));
      builder.addFieldOffset(slot.new_shape, newShape, 0);
      return { type: BuiltinOptionsType.ReshapeOptions, offset: builder.endObject() };
    }
    case 'reducer': {
      const slot = Slot.ReducerOptions;
      builder.startObject(fieldCount(slot));
      builder.addFieldInt8(slot.keep_dims, options.keepDims ? 1 : 0, 0);
      return { type: BuiltinOptionsType.ReducerOptions, offset: builder.endObject() };
    }
  }
}
