import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ExportedFile } from '../../../src-shared/model/ExportBundle.ts';
import type { Destination } from './checkDestination.ts';

/** Where a bundle is written before it is complete: on the destination's file system, so moving it is a rename. */
export function stagingParent(destination: Destination): string {
  return destination.exists ? destination.target : path.dirname(destination.target);
}

/**
 * Moves a complete bundle from `staging` to its destination: a new folder by one rename; into an
 * existing folder file by file, after removing what an earlier export listed and this one does not write.
 */
export function placeBundle(staging: string, destination: Destination, files: readonly ExportedFile[]): void {
  const { target } = destination;
  if (!destination.exists) {
    fs.renameSync(staging, target);
    return;
  }
  for (const file of files) {
    const existing = fs.lstatSync(path.join(target, file.path), { throwIfNoEntry: false });
    if (existing?.isDirectory()) {
      throw new StudioError(
        'already_exists',
        `${path.join(target, file.path)} is a folder where the export writes a file; move it away or choose another folder.`,
      );
    }
  }
  const writing = new Set(files.map((file) => file.path));
  for (const earlier of destination.earlierFiles) {
    if (writing.has(earlier)) continue;
    const file = path.join(target, earlier);
    if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) fs.rmSync(file);
  }
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(target, file.path)), { recursive: true });
    fs.renameSync(path.join(staging, file.path), path.join(target, file.path));
  }
  fs.rmSync(staging, { recursive: true, force: true });
}
