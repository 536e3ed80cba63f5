import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ExportedFile } from '../../../src-shared/model/ExportBundle.ts';
import type { RunExporter } from './RunExporter.ts';

/** The TF.js layers model training saved (saveTfjsModel), copied as it is: model.json and its weight shards. */
export const tfjsExporter: RunExporter = {
  info: {
    format: 'tfjs',
    name: 'TF.js layers model',
    description:
      'model.json and its float32 weights (weights.bin), loaded with tf.loadLayersModel in a browser or in Node.',
    files: ['model.json', 'weights.bin', 'manifest.json'],
  },
  async write(run, directory) {
    const modelFiles = run.artifacts.filter(
      (artifact) => artifact.kind === 'tfjs-model' || artifact.kind === 'tfjs-weights',
    );
    const modelJson = modelFiles.find((artifact) => artifact.kind === 'tfjs-model');
    if (!modelJson) {
      throw new StudioError(
        'not_found',
        `Run ${run.detail.id} recorded no TF.js model (model.json) in ${run.folder}; it cannot be exported as TF.js.`,
      );
    }
    // Every shard model.json names must be among the run's files, or the copy would not load.
    const manifest = JSON.parse(fs.readFileSync(path.join(run.folder, modelJson.path), 'utf8')) as {
      weightsManifest?: { paths: string[] }[];
    };
    const folderOfModel = path.posix.dirname(modelJson.path);
    const recorded = new Set(modelFiles.map((artifact) => artifact.path));
    for (const shard of (manifest.weightsManifest ?? []).flatMap((group) => group.paths)) {
      if (!recorded.has(path.posix.join(folderOfModel, shard))) {
        throw new StudioError(
          'not_found',
          `Run ${run.detail.id}'s model.json needs the weight file ${shard}, which the run did not record; it cannot be exported.`,
        );
      }
    }
    const files: ExportedFile[] = [];
    for (const artifact of modelFiles) {
      const name = path.posix.basename(artifact.path);
      fs.copyFileSync(path.join(run.folder, artifact.path), path.join(directory, name));
      files.push({ path: name, bytes: artifact.bytes });
    }
    return { files, warnings: [], report: null };
  },
};
