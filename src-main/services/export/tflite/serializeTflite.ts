import { Builder } from 'flatbuffers';
import type { TfliteModel, TfliteQuantization, TfliteTensor } from './TfliteModel.ts';
import {
  BuiltinOperator,
  FILE_IDENTIFIER,
  PLACEHOLDER_FOR_GREATER_OP_CODES,
  SCHEMA_VERSION,
  Slot,
  TensorType,
  fieldCount,
  type BuiltinOperatorName,
} from './tfliteSchema.ts';
import { alignedByteVector, float32Vector, int32Vector, int64Vector, offsetVector } from './flatbufferVectors.ts';
import { writeBuiltinOptions } from './writeBuiltinOptions.ts';

/**
 * Writes a TfliteModel as a .tflite flatbuffer (schema version 3, identifier TFL3): buffers[0] is
 * the empty sentinel every activation points at, each constant tensor gets its own 16-byte aligned
 * buffer, and one OperatorCode is written per (operator, version) in order of first use.
 */
export function serializeTflite(model: TfliteModel): Uint8Array {
  const builder = new Builder(1024 + model.tensors.reduce((sum, t) => sum + (t.data?.length ?? 0) + 64, 0));

  // Buffers: the sentinel, then one per constant tensor.
  const bufferOfTensor: number[] = [];
  const buffers = [emptyTable(builder)];
  for (const tensor of model.tensors) {
    if (!tensor.data) {
      bufferOfTensor.push(0);
      continue;
    }
    const data = alignedByteVector(builder, tensor.data);
    builder.startObject(fieldCount(Slot.Buffer));
    builder.addFieldOffset(Slot.Buffer.data, data, 0);
    bufferOfTensor.push(buffers.length);
    buffers.push(builder.endObject());
  }

  const tensors = model.tensors.map((tensor, index) => writeTensor(builder, tensor, bufferOfTensor[index]!));

  const codes: { opcode: BuiltinOperatorName; version: number }[] = [];
  const operators = model.operators.map((operator) => {
    let codeIndex = codes.findIndex((c) => c.opcode === operator.opcode && c.version === operator.version);
    if (codeIndex < 0) codeIndex = codes.push({ opcode: operator.opcode, version: operator.version }) - 1;
    const inputs = int32Vector(builder, operator.inputs);
    const outputs = int32Vector(builder, operator.outputs);
    const options = operator.options ? writeBuiltinOptions(builder, operator.options) : undefined;
    const slot = Slot.Operator;
    builder.startObject(fieldCount(slot));
    builder.addFieldInt32(slot.opcode_index, codeIndex, 0);
    builder.addFieldOffset(slot.inputs, inputs, 0);
    builder.addFieldOffset(slot.outputs, outputs, 0);
    if (options) {
      builder.addFieldInt8(slot.builtin_options_type, options.type, 0);
      builder.addFieldOffset(slot.builtin_options, options.offset, 0);
    }
    return builder.endObject();
  });

  const operatorCodes = codes.map(({ opcode, version }) => {
    const code = BuiltinOperator[opcode];
    const slot = Slot.OperatorCode;
    builder.startObject(fieldCount(slot));
    builder.addFieldInt8(slot.deprecated_builtin_code, Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
    builder.addFieldInt32(slot.version, version, 1);
    builder.addFieldInt32(slot.builtin_code, code, 0);
    return builder.endObject();
  });

  const subgraph = (() => {
    const tensorVector = offsetVector(builder, tensors);
    const inputs = int32Vector(builder, model.inputs);
    const outputs = int32Vector(builder, model.outputs);
    const operatorVector = offsetVector(builder, operators);
    const name = builder.createString('main');
    const slot = Slot.SubGraph;
    builder.startObject(fieldCount(slot));
    builder.addFieldOffset(slot.tensors, tensorVector, 0);
    builder.addFieldOffset(slot.inputs, inputs, 0);
    builder.addFieldOffset(slot.outputs, outputs, 0);
    builder.addFieldOffset(slot.operators, operatorVector, 0);
    builder.addFieldOffset(slot.name, name, 0);
    return builder.endObject();
  })();

  const signature = writeSignature(builder, model);
  const codeVector = offsetVector(builder, operatorCodes);
  const subgraphVector = offsetVector(builder, [subgraph]);
  const description = builder.createString(model.description);
  const bufferVector = offsetVector(builder, buffers);
  const signatureVector = offsetVector(builder, [signature]);
  const slot = Slot.Model;
  builder.startObject(fieldCount(slot));
  builder.addFieldInt32(slot.version, SCHEMA_VERSION, 0);
  builder.addFieldOffset(slot.operator_codes, codeVector, 0);
  builder.addFieldOffset(slot.subgraphs, subgraphVector, 0);
  builder.addFieldOffset(slot.description, description, 0);
  builder.addFieldOffset(slot.buffers, bufferVector, 0);
  builder.addFieldOffset(slot.signature_defs, signatureVector, 0);
  builder.finish(builder.endObject(), FILE_IDENTIFIER);
  return builder.asUint8Array().slice();
}

function emptyTable(builder: Builder): number {
  builder.startObject(0);
  return builder.endObject();
}

function writeTensor(builder: Builder, tensor: TfliteTensor, buffer: number): number {
  const shape = int32Vector(builder, tensor.shape);
  const name = builder.createString(tensor.name);
  const quantization = tensor.quantization ? writeQuantization(builder, tensor.quantization) : 0;
  const slot = Slot.Tensor;
  builder.startObject(fieldCount(slot));
  builder.addFieldOffset(slot.shape, shape, 0);
  builder.addFieldInt8(slot.type, TensorType[tensor.type], 0);
  builder.addFieldInt32(slot.buffer, buffer, 0);
  builder.addFieldOffset(slot.name, name, 0);
  if (quantization) builder.addFieldOffset(slot.quantization, quantization, 0);
  return builder.endObject();
}

function writeQuantization(builder: Builder, quantization: TfliteQuantization): number {
  const scale = float32Vector(builder, quantization.scale);
  const zeroPoint = int64Vector(builder, quantization.zeroPoint);
  const slot = Slot.QuantizationParameters;
  builder.startObject(fieldCount(slot));
  builder.addFieldOffset(slot.scale, scale, 0);
  builder.addFieldOffset(slot.zero_point, zeroPoint, 0);
  builder.addFieldInt32(slot.quantized_dimension, quantization.quantizedDimension, 0);
  return builder.endObject();
}

/** The "serving_default" signature TF's converter writes, so signature runners find the model's I/O. */
function writeSignature(builder: Builder, model: TfliteModel): number {
  const maps = (names: string[], tensors: number[]) =>
    offsetVector(
      builder,
      names.map((name, i) => {
        const nameOffset = builder.createString(name);
        const slot = Slot.TensorMap;
        builder.startObject(fieldCount(slot));
        builder.addFieldOffset(slot.name, nameOffset, 0);
        builder.addFieldInt32(slot.tensor_index, tensors[i]!, 0);
        return builder.endObject();
      }),
    );
  const inputs = maps(model.signature.inputs, model.inputs);
  const outputs = maps(model.signature.outputs, model.outputs);
  const key = builder.createString('serving_default');
  const slot = Slot.SignatureDef;
  builder.startObject(fieldCount(slot));
  builder.addFieldOffset(slot.inputs, inputs, 0);
  builder.addFieldOffset(slot.outputs, outputs, 0);
  builder.addFieldOffset(slot.signature_key, key, 0);
  builder.addFieldInt32(slot.subgraph_index, 0, 0);
  return builder.endObject();
}
