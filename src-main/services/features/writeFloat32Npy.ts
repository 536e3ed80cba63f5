import fs from 'node:fs';
import os from 'node:os';

/**
 * The NPY v1.0 header of a little-endian float32 C-order array (numpy's format.py): magic, version,
 * header length, then the dict padded with spaces so the data starts on a 64-byte boundary.
 */
export function float32NpyHeader(shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
  const prefix = 10;
  const padded = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  const header = Buffer.alloc(prefix + padded);
  Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]).copy(header, 0);
  header.writeUInt16LE(padded, 8);
  header.write(dict.padEnd(padded - 1, ' ') + '\n', prefix, 'latin1');
  return header;
}

/**
 * Writes `rows` (each the same length, row-major) as one float32 array of `shape` to `file`, row by
 * row, so no copy of the whole array is made; returns the file's size in bytes.
 */
export function writeFloat32Npy(file: string, shape: readonly number[], rows: readonly Float32Array[]): number {
  const rowLength = shape.slice(1).reduce((product, size) => product * size, 1);
  if (shape[0] !== rows.length || rows.some((row) => row.length !== rowLength))
    throw new RangeError(`${rows.length} rows do not fill an array of shape (${shape.join(', ')})`);
  const header = float32NpyHeader(shape);
  const fd = fs.openSync(file, 'w');
  try {
    writeAll(fd, header);
    for (const row of rows) writeAll(fd, littleEndian(row));
  } finally {
    fs.closeSync(fd);
  }
  return header.length + rows.length * rowLength * 4;
}

/** A write may take fewer bytes than given (a nearly full disk): the rest follows until all are written. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length;) offset += fs.writeSync(fd, bytes, offset);
}

/** The row's bytes, little-endian whatever the machine's byte order. */
function littleEndian(row: Float32Array): Uint8Array {
  if (os.endianness() === 'LE') return new Uint8Array(row.buffer, row.byteOffset, row.byteLength);
  const bytes = Buffer.alloc(row.byteLength);
  for (const [index, value] of row.entries()) bytes.writeFloatLE(value, index * 4);
  return bytes;
}
