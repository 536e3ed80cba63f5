import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { modelFileSizes } from '../../src-main/services/export/modelFileSizes.ts';
import { zipFiles } from '../../src-main/services/export/zipFiles.ts';
import { tempDir } from '../support/tempDir.ts';

const python = process.env.KWS_REF_PYTHON ?? path.resolve(import.meta.dirname, '../../.venv-ref/bin/python');
const hasPython = fs.existsSync(python);
const noPython = `skipped: no reference Python at ${python}; create it with bash scripts/reference/setup-venv.sh`;

/** Model-like bytes: small float32 weights (compressible but not trivially), from a seeded generator. */
function weightLikeBytes(values: number, seed: number): Uint8Array {
  const floats = new Float32Array(values);
  let state = seed;
  for (let i = 0; i < values; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // Quantized-looking values: a few hundred distinct floats, as a pruned or clustered model has.
    floats[i] = ((state >>> 24) - 128) / 1024;
  }
  return new Uint8Array(floats.buffer);
}

function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 22695477) + 1) >>> 0;
    bytes[i] = state >>> 16;
  }
  return bytes;
}

/** Python's own measures of a file: zlib.compress(data, 9) and zipfile's view of our archive. */
function pythonMeasures(file: string, zip: string): { zlib: number; decompressed: boolean; entries: string[][] } {
  const script = [
    'import json, sys, zipfile, zlib',
    'data = open(sys.argv[1], "rb").read()',
    'ours = open(sys.argv[1] + ".zlib", "rb").read()',
    'with zipfile.ZipFile(sys.argv[2]) as z:',
    '    entries = [[i.filename, i.compress_type, i.file_size, z.read(i) == data] for i in z.infolist()]',
    'print(json.dumps({"zlib": len(zlib.compress(data, 9)), "decompressed": zlib.decompress(ours) == data, "entries": entries}))',
  ].join('\n');
  const result = spawnSync(python, ['-c', script, file, zip], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { zlib: number; decompressed: boolean; entries: string[][] };
}

describe('modelFileSizes', () => {
  it('measures zlib level 9 (header and checksum around the deflate stream) and a one-file zip', () => {
    const bytes = weightLikeBytes(20_000, 5);
    const sizes = modelFileSizes(bytes, 'kws_int8.tflite');
    const deflated = zlib.deflateRawSync(bytes, { level: 9 }).length;
    expect(sizes.rawBytes).toBe(80_000);
    expect(sizes.zlibBytes).toBe(2 + deflated + 4);
    // Local header 30 + name, central directory entry 46 + name, end record 22, around the same deflate stream.
    expect(sizes.zipBytes).toBe(30 + 15 + deflated + 46 + 15 + 22);
    expect(sizes.zlibBytes).toBeLessThan(sizes.rawBytes * 0.5);
  });

  it('refuses a file name that is a path', () => {
    expect(() => modelFileSizes(new Uint8Array(4), 'models/kws.tflite')).toThrow(/must be a plain file name/);
    expect(() => modelFileSizes(new Uint8Array(4), '')).toThrow(/must be a plain file name/);
  });

  it.skipIf(!hasPython)(hasPython ? "agrees with Python's zlib and zipfile" : noPython, () => {
    const dir = tempDir('kws-sizes-');
    const report: string[] = [];
    for (const [name, bytes] of [
      ['weights', weightLikeBytes(20_000, 5)],
      ['random', randomBytes(5_000, 9)],
    ] as const) {
      const file = path.join(dir, `${name}.tflite`);
      fs.writeFileSync(file, bytes);
      fs.writeFileSync(`${file}.zlib`, zlib.deflateSync(bytes, { level: 9 }));
      const sizes = modelFileSizes(bytes, `${name}.tflite`);
      // modelFileSizes writes no file: zip the same way so Python opens what was measured.
      const zip = path.join(dir, `${name}.zip`);
      fs.writeFileSync(zip, zipFiles([{ name: `${name}.tflite`, data: bytes }]));
      const measured = pythonMeasures(file, zip);

      expect(measured.decompressed).toBe(true); // the same format as zlib.compress writes
      expect(measured.entries).toEqual([[`${name}.tflite`, name === 'random' ? 0 : 8, bytes.length, true]]);
      expect(fs.statSync(zip).size).toBe(sizes.zipBytes);
      report.push(`${name}: node ${sizes.zlibBytes} B, python zlib.compress(data, 9) ${measured.zlib} B`);
      if (name === 'random') {
        // Incompressible: both write stored blocks, byte for byte the same size.
        expect(sizes.zlibBytes).toBe(measured.zlib);
      } else {
        // Compressible: Node bundles Chromium's zlib 1.3.1, Python links the system's (1.2.13 here).
        // Same format and level, but their match finders differ, so sizes differ slightly.
        expect(Math.abs(sizes.zlibBytes - measured.zlib) / measured.zlib).toBeLessThan(0.01);
      }
    }
    console.log(report.join('\n'));
  });
});
