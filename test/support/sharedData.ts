import fs from 'node:fs';
import path from 'node:path';

/** The real speech in ../shared/data (beside the checkout), read in place and never copied into the repo. */
const sharedData = process.env.KWS_SHARED_DATA ?? path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');
export const fsddDir = path.join(sharedData, 'fsdd-dev');
export const hasFsdd = fs.existsSync(fsddDir);
export const fsddMissing = `skipped: ${fsddDir} is absent (the shared FSDD sample sits beside the checkout; set KWS_SHARED_DATA to point elsewhere)`;
if (!hasFsdd) console.log(fsddMissing);
