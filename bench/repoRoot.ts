import fs from 'node:fs';
import path from 'node:path';

/** The checkout's root, from the bench sources under tsx or from their bundle in out/main. */
export const repoRoot = (() => {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'bench'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no checkout root above ${import.meta.dirname}`);
  }
})();
