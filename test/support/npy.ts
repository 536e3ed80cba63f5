import fs from 'node:fs';

/** NumPy .npy files (format 1.0), for handing arrays to and from the Python reference scripts. */

const dtypes = {
  '<f4': Float32Array,
  '<i4': Int32Array,
  '|i1': Int8Array,
  '<f8': Float64Array,
} as const;
type Descr = keyof typeof dtypes;
export type NpyArray = Float32Array | Int32Array | Int8Array | Float64Array;

export function writeNpy(file: string, data: Float32Array | Int32Array | Int8Array, shape: number[]): void {
  const descr = data instanceof Float32Array ? '<f4' : data instanceof Int32Array ? '<i4' : '|i1';
  if (shape.reduce((a, b) => a * b, 1) !== data.length)
    throw new Error(`${file}: ${data.length} values do not fill the shape [${shape.join(', ')}]`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const preamble = Buffer.alloc(10);
  preamble.write('\x93NUMPY', 0, 'latin1');
  preamble[6] = 1;
  preamble[7] = 0;
  preamble.writeUInt16LE(header.length, 8);
  fs.writeFileSync(
    file,
    Buffer.concat([
      preamble,
      Buffer.from(header, 'latin1'),
      Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    ]),
  );
}

export function readNpy(file: string): { data: NpyArray; shape: number[] } {
  const bytes = fs.readFileSync(file);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file} is not a .npy file`);
  const major = bytes[6]!;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', start, start + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] as Descr | undefined;
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
    .map(Number);
  if (!descr || !(descr in dtypes)) throw new Error(`${file}: unsupported dtype ${descr}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file} is in Fortran order`);
  const Type = dtypes[descr];
  const body = bytes.subarray(start + headerLength);
  const copy = new Uint8Array(body.length);
  copy.set(body);
  return { data: new Type(copy.buffer), shape };
}
