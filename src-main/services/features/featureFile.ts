import { crc32 } from 'node:zlib';
import type { FeatureMatrix } from '../../../src-shared/model/FeatureSpec.ts';
import { float16ToFloat32, float32ToFloat16 } from './float16.ts';

/**
 * One cached feature matrix on disk: a 24-byte header, then the values little-endian.
 *   0  'KWSF'   magic
 *   4  u16      format version (1)
 *   6  u16      value type: 0 float32, 1 float16
 *   8  u32      frames
 *  12  u32      bins
 *  16  u32      CRC-32 of the value bytes
 *  20  u32      reserved (0)
 * A file that fails any check is reported corrupt and recomputed, never used.
 */
export type FeatureValueType = 'float32' | 'float16';

const MAGIC = 0x4653574b; // 'KWSF' read as little-endian u32
const VERSION = 1;
const HEADER_BYTES = 24;

export function encodeFeatureFile(matrix: FeatureMatrix, valueType: FeatureValueType): Buffer {
  const values =
    valueType === 'float16'
      ? Buffer.from(float32ToFloat16(matrix.data).buffer)
      : Buffer.from(matrix.data.buffer, matrix.data.byteOffset, matrix.data.byteLength);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(valueType === 'float16' ? 1 : 0, 6);
  header.writeUInt32LE(matrix.frames, 8);
  header.writeUInt32LE(matrix.bins, 12);
  header.writeUInt32LE(crc32(values), 16);
  return Buffer.concat([header, values]);
}

/** The matrix in `bytes`, or the reason it cannot be trusted. */
export function decodeFeatureFile(bytes: Buffer): FeatureMatrix | { corrupt: string } {
  if (bytes.length < HEADER_BYTES) return { corrupt: `${bytes.length} bytes is shorter than the header` };
  if (bytes.readUInt32LE(0) !== MAGIC) return { corrupt: 'not a feature file (bad magic)' };
  if (bytes.readUInt16LE(4) !== VERSION) return { corrupt: `unknown format version ${bytes.readUInt16LE(4)}` };
  const typeCode = bytes.readUInt16LE(6);
  if (typeCode > 1) return { corrupt: `unknown value type ${typeCode}` };
  const frames = bytes.readUInt32LE(8);
  const bins = bytes.readUInt32LE(12);
  const valueBytes = frames * bins * (typeCode === 1 ? 2 : 4);
  if (bytes.length !== HEADER_BYTES + valueBytes) {
    return { corrupt: `${bytes.length - HEADER_BYTES} value bytes where ${frames} × ${bins} needs ${valueBytes}` };
  }
  const values = bytes.subarray(HEADER_BYTES);
  if (crc32(values) !== bytes.readUInt32LE(16)) return { corrupt: 'checksum mismatch' };
  // Copied so the matrix owns aligned memory and outlives the file buffer.
  const aligned = new Uint8Array(values).buffer;
  const data = typeCode === 1 ? float16ToFloat32(new Uint16Array(aligned)) : new Float32Array(aligned);
  return { frames, bins, data };
}
