import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { float32NpyHeader, writeFloat32Npy } from '../../src-main/services/features/writeFloat32Npy.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-npy-');

describe('writeFloat32Npy', () => {
  it('writes an NPY v1.0 header whose data starts on a 64-byte boundary', () => {
    for (const shape of [[3, 49, 10], [1], [12345, 98, 40], [0, 2, 2]]) {
      const header = float32NpyHeader(shape);
      expect(header.length % 64, shape.join('x')).toBe(0);
      expect([...header.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      expect(header.readUInt16LE(8)).toBe(header.length - 10);
      const text = header.subarray(10).toString('latin1');
      expect(text.endsWith('\n')).toBe(true);
      const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
      expect(text.trimEnd()).toBe(`{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`);
    }
  });

  it('writes the rows in order, little-endian, after the header', () => {
    const rows = [Float32Array.from([1, -2.5, 3e-8, 0]), Float32Array.from([Math.PI, 5, 6, -0])];
    const file = path.join(dir, 'a.npy');
    const bytes = writeFloat32Npy(file, [2, 2, 2], rows);
    const written = fs.readFileSync(file);
    expect(written.length).toBe(bytes);
    expect(bytes).toBe(128 + 8 * 4);
    const values = Array.from({ length: 8 }, (_, i) => written.readFloatLE(128 + 4 * i));
    expect(values).toEqual([...rows[0]!, ...rows[1]!]);
  });

  it('refuses rows that do not fill the shape', () => {
    expect(() => writeFloat32Npy(path.join(dir, 'b.npy'), [2, 3], [new Float32Array(3)])).toThrow(RangeError);
    expect(() => writeFloat32Npy(path.join(dir, 'c.npy'), [1, 3], [new Float32Array(4)])).toThrow(RangeError);
  });
});
