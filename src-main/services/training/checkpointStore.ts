import fs from 'node:fs';
import path from 'node:path';
import { diskFullError, isDiskFull } from '../diskFull.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';

type Tensor = ReturnType<TensorflowModule['tensor']>;

interface IndexEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

/**
 * A checkpoint folder: `meta.json` (the caller's resume state), `index.json` and `tensors.bin`
 * (float32). Written beside and renamed into place, so a crash mid-write leaves the previous
 * checkpoint whole.
 */
export function saveCheckpoint(dir: string, tensors: ReadonlyMap<string, Tensor>, meta: unknown): void {
  const temporary = `${dir}.tmp-${process.pid}`;
  const index: IndexEntry[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const values = Float32Array.from(tensor.dataSync());
    index.push({ name, shape: tensor.shape, offset, length: values.length });
    chunks.push(Buffer.from(values.buffer));
    offset += values.length;
  }
  try {
    fs.rmSync(temporary, { recursive: true, force: true });
    fs.mkdirSync(temporary, { recursive: true });
    fs.writeFileSync(path.join(temporary, 'tensors.bin'), Buffer.concat(chunks));
    fs.writeFileSync(path.join(temporary, 'index.json'), JSON.stringify(index));
    fs.writeFileSync(path.join(temporary, 'meta.json'), JSON.stringify(meta, null, 2));
  } catch (error) {
    // A half-written checkpoint is never left beside the whole one.
    fs.rmSync(temporary, { recursive: true, force: true });
    if (!isDiskFull(error)) throw error;
    const which = path.basename(dir) === 'checkpoint' ? 'checkpoint' : `${path.basename(dir)} checkpoint`;
    const kept = fs.existsSync(dir)
      ? `the previous ${which} is kept whole and this one was not written`
      : `this ${which} was not written`;
    throw diskFullError(
      path.dirname(dir),
      kept,
      'Free some space, then resume the run: it continues from its last whole checkpoint.',
    );
  }
  const previous = `${dir}.old-${process.pid}`;
  if (fs.existsSync(dir)) fs.renameSync(dir, previous);
  fs.renameSync(temporary, dir);
  fs.rmSync(previous, { recursive: true, force: true });
}

export function loadCheckpoint<Meta>(
  tf: TensorflowModule,
  dir: string,
): { tensors: Map<string, Tensor>; meta: Meta } | null {
  if (!fs.existsSync(path.join(dir, 'meta.json'))) return null;
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as IndexEntry[];
  const bytes = fs.readFileSync(path.join(dir, 'tensors.bin'));
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const tensors = new Map<string, Tensor>();
  for (const entry of index)
    tensors.set(entry.name, tf.tensor(values.slice(entry.offset, entry.offset + entry.length), entry.shape));
  return { tensors, meta: JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta };
}
