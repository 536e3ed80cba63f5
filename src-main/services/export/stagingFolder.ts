import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from '../processAlive.ts';

/** Hidden, and named so a user who finds one knows what it was: `.kws-export-<pid>-XXXXXX`. */
const STAGING_PREFIX = '.kws-export-';

/**
 * A new folder in `parent` to write a bundle in before it is complete. Staging folders an export left
 * behind when its process was killed (the process named in the folder's name is gone) are removed
 * first, so a crash mid-export leaves no debris beyond the next export to the same place.
 */
export function createStagingFolder(parent: string): string {
  removeAbandonedStaging(parent);
  return fs.mkdtempSync(path.join(parent, `${STAGING_PREFIX}${process.pid}-`));
}

function removeAbandonedStaging(parent: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return; // mkdtemp then says what is wrong with the folder.
  }
  for (const name of names) {
    const match = /^\.kws-export-(\d+)-/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}
