import fs from 'node:fs';
import path from 'node:path';

/** The real speech in ../shared/data, read in place and never copied into the repo. */
export const fsddDir = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'fsdd-dev');
export const hasFsdd = fs.existsSync(fsddDir);
export const fsddMissing = `skipped: ${fsddDir} is absent (the shared FSDD sample sits beside the checkout in CI)`;
