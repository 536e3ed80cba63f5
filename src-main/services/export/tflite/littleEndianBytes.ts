const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A typed array's values as little-endian bytes (a .tflite buffer's byte order), copied. */
export function littleEndianBytes(values: Float32Array | Int32Array | Int8Array): Uint8Array {
  if (hostIsLittleEndian || values instanceof Int8Array)
    return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const view = new DataView(new ArrayBuffer(values.byteLength));
  values.forEach((value, i) => {
    if (values instanceof Float32Array) view.setFloat32(i * 4, value, true);
    else view.setInt32(i * 4, value, true);
  });
  return new Uint8Array(view.buffer);
}
