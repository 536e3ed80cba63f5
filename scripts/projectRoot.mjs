// The project root is the folder holding package.json, one level above scripts/.
// Resolved from this file (not process.cwd()) so the scripts behave the same
// whether npm runs them as postinstall or a user runs them by hand from anywhere.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(import.meta.dirname ?? dirname(fileURLToPath(import.meta.url)), '..');
