import fs from 'node:fs';
import path from 'node:path';
import type { KwsModel } from '../training/models/buildModel.ts';

export interface SavedFile {
  kind: 'tfjs-model' | 'tfjs-weights';
  /** Relative to the folder the model was saved under. */
  path: string;
  bytes: number;
}

/**
 * Writes a trained model as a TF.js layers model (model.json plus weight shards) into `directory`,
 * replacing what was there, and lists the files it wrote.
 */
export async function saveTfjsModel(model: KwsModel, directory: string): Promise<SavedFile[]> {
  fs.rmSync(directory, { recursive: true, force: true });
  const layers = model.toLayersModel();
  try {
    await layers.save(`file://${directory}`);
  } finally {
    layers.dispose();
  }
  return fs.readdirSync(directory).map((file) => ({
    kind: file.endsWith('.json') ? 'tfjs-model' : 'tfjs-weights',
    path: file,
    bytes: fs.statSync(path.join(directory, file)).size,
  }));
}
