import fs from 'node:fs';
import path from 'node:path';
import type { ExportModelInputsInput, ModelInputsExport } from '../../../src-shared/contract/FeatureService.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { fileWriteError } from '../fileWriteError.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import type { ReportProgress } from '../training/progressReporter.ts';
import { runModelInputs } from '../training/runModelInputs.ts';
import { writeFloat32Npy } from './writeFloat32Npy.ts';

export const FEATURES_FILE = 'features.npy';
export const LABELS_FILE = 'labels.json';
/** Hidden, and named so a user who finds one left by a killed export knows what it was. */
const STAGING_PREFIX = '.kws-features-';

/**
 * Writes a finished run's model inputs for one split into a folder: features.npy (float32,
 * N × frames × bins, C order, normalized) and labels.json ({ labels, classes, clipIds }), nothing
 * else. The folder is checked first; both files are written into a temporary folder (beside a new
 * folder, inside an existing one, so moving them is a rename) and moved into place only when complete.
 */
export async function exportModelInputs(
  project: OpenProject,
  input: ExportModelInputsInput,
  progress: ReportProgress,
  signal: AbortSignal,
): Promise<ModelInputsExport> {
  const { runId, split } = input;
  const destination = checkFolder(input.directory, input.overwrite === true);
  const made = await runModelInputs(project, runId, { split, limit: input.limit, progress, signal });
  if (made.inputs.length === 0) {
    throw new StudioError(
      'invalid_input',
      `Run ${runId} has no clips in its ${split} split, so there are no model inputs to export.`,
    );
  }
  const shape: [number, number, number] = [made.inputs.length, made.shape[0], made.shape[1]];
  progress({ message: `Writing ${made.inputs.length} examples` });

  const stagingParent = destination.exists ? destination.target : path.dirname(destination.target);
  let staging: string;
  try {
    staging = fs.mkdtempSync(path.join(stagingParent, STAGING_PREFIX));
  } catch (error) {
    throw writeError(error, stagingParent);
  }
  try {
    const labels = `${JSON.stringify({
      labels: made.items.map((item) => item.label),
      classes: made.classes,
      clipIds: made.items.map((item) => item.clipId),
    })}\n`;
    const files = [
      { path: FEATURES_FILE, bytes: writeFloat32Npy(path.join(staging, FEATURES_FILE), shape, made.inputs) },
      { path: LABELS_FILE, bytes: Buffer.byteLength(labels) },
    ];
    fs.writeFileSync(path.join(staging, LABELS_FILE), labels);
    place(staging, destination, files);
    return {
      runId,
      split,
      directory: destination.target,
      count: made.inputs.length,
      shape,
      classes: made.classes,
      normalization: made.normalization.kind,
      files,
    };
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw writeError(error, destination.target);
  }
}

interface Folder {
  target: string;
  exists: boolean;
}

/** An absolute folder that is new (its parent existing), empty, or holds files and may be written into. */
function checkFolder(directory: string, overwrite: boolean): Folder {
  if (!path.isAbsolute(directory))
    throw new StudioError(
      'invalid_input',
      `The folder for the model inputs must be an absolute path, not "${directory}".`,
    );
  const target = path.resolve(directory);
  const stat = statOf(target);
  if (!stat) {
    const parent = path.dirname(target);
    const parentStat = statOf(parent);
    if (!parentStat)
      throw new StudioError('not_found', `The folder ${parent} does not exist; create it, or choose another folder.`);
    if (!parentStat.isDirectory())
      throw new StudioError('invalid_input', `${parent} is a file, not a folder; choose another folder.`);
    return { target, exists: false };
  }
  if (!stat.isDirectory())
    throw new StudioError('invalid_input', `${target} is a file, not a folder; choose a folder for the model inputs.`);
  let entries: string[];
  try {
    entries = fs.readdirSync(target);
  } catch (error) {
    throw writeError(error, target);
  }
  if (entries.length > 0 && !overwrite) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
    throw new StudioError(
      'already_exists',
      `${target} already holds ${entries.length} file${entries.length === 1 ? '' : 's'} (${shown}); choose an empty or new folder, or allow overwriting (kws-studio features export --force).`,
    );
  }
  return { target, exists: true };
}

function statOf(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR')
      throw new StudioError('invalid_input', `${file} cannot be a folder: part of that path is a file.`);
    throw writeError(error, file);
  }
}

/** A new folder by one rename; into an existing one file by file, replacing same-named files. */
function place(staging: string, folder: Folder, files: readonly { path: string }[]): void {
  if (!folder.exists) {
    fs.renameSync(staging, folder.target);
    return;
  }
  for (const file of files) {
    if (fs.lstatSync(path.join(folder.target, file.path), { throwIfNoEntry: false })?.isDirectory())
      throw new StudioError(
        'already_exists',
        `${path.join(folder.target, file.path)} is a folder where a file goes; move it away or choose another folder.`,
      );
  }
  for (const file of files) fs.renameSync(path.join(staging, file.path), path.join(folder.target, file.path));
  fs.rmSync(staging, { recursive: true, force: true });
}

/** A file-system failure as an error naming the folder; StudioErrors pass unchanged. */
function writeError(error: unknown, where: string): StudioError {
  return fileWriteError(error, where, {
    kept: 'no model inputs were written',
    failed: `Writing the model inputs to ${where}`,
  });
}
