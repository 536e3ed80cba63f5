import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { exportIoError } from './exportIoError.ts';
import { MANIFEST_FILE } from './writeBundle.ts';

/** Where a bundle goes, checked before anything is written. */
export interface Destination {
  /** The bundle's folder: absolute, normalized. */
  target: string;
  /** The folder exists already: empty, or holding files and overwriting was allowed. */
  exists: boolean;
  /** Files an earlier export listed in the folder's manifest.json: this export replaces them. */
  earlierFiles: string[];
}

/**
 * Checks the folder a user chose for a bundle: an absolute path outside the run's own folder, whose
 * parent exists when it does not; an existing folder must be empty unless `overwrite`.
 */
export function checkDestination(directory: string, overwrite: boolean, runId: string, runFolder: string): Destination {
  if (!path.isAbsolute(directory)) {
    throw new StudioError('invalid_input', `The export folder must be an absolute path, not "${directory}".`);
  }
  const target = path.resolve(directory);
  const parent = path.dirname(target);
  const real = realPathOf(target);
  const runReal = realPathOf(runFolder);
  if (real === runReal || real.startsWith(runReal + path.sep)) {
    throw new StudioError(
      'invalid_input',
      `${target} is inside run ${runId}'s own folder (${runFolder}); export to a folder outside it.`,
    );
  }

  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR')
      throw new StudioError('invalid_input', `${target} cannot be a folder: part of that path is a file.`);
    if (code !== 'ENOENT') throw exportIoError(error, target);
    let parentStat: fs.Stats;
    try {
      parentStat = fs.statSync(parent);
    } catch (parentError) {
      if ((parentError as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new StudioError(
          'not_found',
          `The folder ${parent} does not exist; create it, or choose another folder for the export.`,
        );
      }
      throw exportIoError(parentError, parent);
    }
    if (!parentStat.isDirectory())
      throw new StudioError(
        'invalid_input',
        `${parent} is a file, not a folder; choose another folder for the export.`,
      );
    return { target, exists: false, earlierFiles: [] };
  }
  if (!stat.isDirectory())
    throw new StudioError('invalid_input', `${target} is a file, not a folder; choose a folder for the export.`);

  let entries: string[];
  try {
    entries = fs.readdirSync(target);
  } catch (error) {
    throw exportIoError(error, target);
  }
  if (entries.length === 0) return { target, exists: true, earlierFiles: [] };
  if (!overwrite) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
    throw new StudioError(
      'already_exists',
      `${target} already holds ${entries.length} file${entries.length === 1 ? '' : 's'} (${shown}); choose an empty or new folder, or allow overwriting (kws-studio export --force).`,
    );
  }
  return { target, exists: true, earlierFiles: earlierExportFiles(target) };
}

/** The real path of `file`, or of its nearest existing ancestor with the rest appended. */
function realPathOf(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    const parent = path.dirname(file);
    return parent === file ? file : path.join(realPathOf(parent), path.basename(file));
  }
}

/** The files a KWS Studio export in `folder` wrote, from its manifest.json; none for any other folder. */
function earlierExportFiles(folder: string): string[] {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, MANIFEST_FILE), 'utf8')) as {
      generator?: unknown;
      files?: unknown;
    };
    if (
      typeof manifest.generator !== 'string' ||
      !manifest.generator.startsWith('KWS Studio') ||
      !Array.isArray(manifest.files)
    )
      return [];
    const listed = (manifest.files as { path?: unknown }[])
      .map((file) => file?.path)
      .filter((name): name is string => typeof name === 'string');
    // Only plain names inside the folder: a manifest is a file anyone can edit.
    return listed.filter(
      (name) => !path.isAbsolute(name) && !name.split(/[\\/]/).some((part) => part === '..' || part === ''),
    );
  } catch {
    return [];
  }
}
