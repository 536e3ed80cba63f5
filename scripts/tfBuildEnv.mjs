// Environment for tfjs-node's installer and for node-pre-gyp/node-gyp builds.
import fs from 'node:fs';
import path from 'node:path';

// A folder holding include/node/node.h for this Node, if any. Without one,
// node-gyp tries to download the headers from nodejs.org (fails offline).
// Prefer the headers next to the running node, else the distro's /usr.
function localNodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  for (const dir of [prefix, '/usr']) {
    if (fs.existsSync(path.join(dir, 'include', 'node', 'node.h'))) return dir;
  }
  return null;
}

export function tfBuildEnv(paths) {
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
  // tfjs-node's install.js shells out to a bare `node-pre-gyp`; make sure
  // both node_modules/.bin folders are on PATH even outside `npm install`.
  const bins = [path.join(paths.root, 'node_modules', '.bin'), path.join(paths.pkgDir, 'node_modules', '.bin')];
  env.PATH = [...bins, path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter);
  if (!env.npm_config_nodedir) {
    const nodedir = localNodeDir();
    if (nodedir) env.npm_config_nodedir = nodedir;
  }
  return env;
}
