import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The studio's version, from package.json (recorded with every migration and, later, every run). */
export const appVersion: string = (require('../../package.json') as { version: string }).version;
