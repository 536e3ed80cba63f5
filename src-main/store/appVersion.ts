import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The studio's version, from its package.json (recorded with every migration and every run). Found by
 * walking up from this module, which sits at a different depth in the sources, the bundle and its chunks.
 * It lives in the store, the lowest layer that needs it (every migration is stamped with it).
 */
export const appVersion: string = (() => {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'kws-studio' && manifest.version) return manifest.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
})();
