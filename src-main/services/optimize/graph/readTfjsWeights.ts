import fs from 'node:fs';
import path from 'node:path';

/** One weight of a TF.js weights manifest: float32 values, or why they cannot be used. */
export interface TfjsWeight {
  name: string;
  shape: number[];
  /** The stored type, e.g. "float32", "int32", "float32 quantized to uint8". */
  dtype: string;
  /** Set for unquantized float32 weights only. */
  values?: Float32Array;
}

/** Bytes per stored value; string weights have no fixed size. */
const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/**
 * Reads the weight shards model.json's `weightsManifest` lists (paths relative to model.json's
 * folder) and cuts them into weights by name. Each group's shards are one byte stream holding its
 * weights back to back; a stream of the wrong length means a truncated or mismatched file and is an
 * error. Weights of another type are returned without values, so the layer that needs them can say so.
 */
export function readTfjsWeights(modelJsonPath: string, weightsManifest: unknown): Map<string, TfjsWeight> {
  if (!Array.isArray(weightsManifest)) throw new Error(`${modelJsonPath}: weightsManifest is missing or not a list`);
  const weights = new Map<string, TfjsWeight>();
  for (const [groupIndex, rawGroup] of weightsManifest.entries()) {
    const group = rawGroup as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights))
      throw new Error(`${modelJsonPath}: weightsManifest group ${groupIndex} has no paths or weights list`);
    const entries = group.weights.map((raw: unknown) => describeWeight(raw, modelJsonPath));
    const files = group.paths.map((file: unknown) => path.resolve(path.dirname(modelJsonPath), String(file)));
    const bytes = Buffer.concat(files.map((file) => readShard(file, modelJsonPath)));
    let offset = 0;
    for (const entry of entries) {
      if (entry.byteLength === undefined) {
        // A string weight has no fixed size: nothing after it in this group can be located.
        for (const rest of entries.slice(entries.indexOf(entry)))
          weights.set(rest.weight.name, { ...rest.weight, dtype: `${rest.weight.dtype} (unreadable)` });
        offset = bytes.length;
        break;
      }
      if (entry.weight.dtype === 'float32' && offset + entry.byteLength <= bytes.length) {
        // Copied into a fresh buffer: a Float32Array needs 4-byte alignment (little-endian, as TF.js writes).
        const copy = new Uint8Array(entry.byteLength);
        copy.set(bytes.subarray(offset, offset + entry.byteLength));
        const values = new Float32Array(copy.buffer);
        // A pruned weight masked by multiplication is −0 where it was negative: +0 keeps zeros' bytes alike.
        for (let i = 0; i < values.length; i++) if (values[i] === 0) values[i] = 0;
        entry.weight.values = values;
      }
      weights.set(entry.weight.name, entry.weight);
      offset += entry.byteLength;
    }
    const stored = bytes.length;
    if (offset !== stored) {
      const names = files.map((file) => path.basename(file)).join(' + ');
      throw new Error(
        `${names} holds ${stored} bytes but model.json's weightsManifest describes ${offset}: the weights file is ` +
          `${stored < offset ? 'truncated' : 'not the one this model.json was saved with'} (${files.join(', ')})`,
      );
    }
  }
  return weights;
}

function describeWeight(raw: unknown, modelJsonPath: string): { weight: TfjsWeight; byteLength?: number } {
  const spec = raw as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: { dtype?: unknown } };
  if (typeof spec.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every(Number.isInteger))
    throw new Error(`${modelJsonPath}: a weightsManifest entry has no name or shape (${JSON.stringify(raw)})`);
  const shape = spec.shape as number[];
  const size = shape.reduce((a, b) => a * b, 1);
  const dtype = String(spec.dtype);
  const quantized = spec.quantization ? String(spec.quantization.dtype) : undefined;
  const bytesEach = DTYPE_BYTES[quantized ?? dtype];
  return {
    weight: { name: spec.name, shape, dtype: quantized ? `${dtype} quantized to ${quantized}` : dtype },
    ...(bytesEach !== undefined && { byteLength: size * bytesEach }),
  };
}

function readShard(file: string, modelJsonPath: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new Error(
      `Cannot read weight file ${file}, which ${modelJsonPath} lists: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
}
