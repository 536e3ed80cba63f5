import type { Builder } from 'flatbuffers';

/** Flatbuffer vectors are written back to front: the last element first. */

export function int32Vector(builder: Builder, values: ArrayLike<number>): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt32(values[i]!);
  return builder.endVector();
}

export function int64Vector(builder: Builder, values: ArrayLike<number>): number {
  builder.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt64(BigInt(values[i]!));
  return builder.endVector();
}

export function float32Vector(builder: Builder, values: ArrayLike<number>): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addFloat32(values[i]!);
  return builder.endVector();
}

export function offsetVector(builder: Builder, offsets: readonly number[]): number {
  builder.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) builder.addOffset(offsets[i]!);
  return builder.endVector();
}

/**
 * A byte vector whose first byte lands on a 16-byte boundary of the finished file (schema.fbs asks
 * `force_align: 16` of Buffer.data, so kernels and TFLite Micro can read weights in place). The
 * builder counts from the end of the buffer and pads the finished file to its largest alignment, so
 * aligning the end of the data to 16 here aligns its start in the file.
 */
export function alignedByteVector(builder: Builder, bytes: Uint8Array, alignment = 16): number {
  builder.prep(alignment, bytes.length);
  return builder.createByteVector(bytes);
}
