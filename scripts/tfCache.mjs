// Step B: a per-user cache of a working native TensorFlow setup (the shared
// libraries, their symlinks and the compiled tfjs_binding.node), kept outside
// node_modules. Restoring it takes seconds, versus a download or a rebuild.
//
// Layout of paths.cacheDir:
//   deps/lib/*          libraries + symlinks, exactly as in tfjs-node/deps/lib
//   tfjs_binding.node   the compiled N-API binding
//   manifest.json       source, tensorflow_version, created, plus file sizes
//                       (a cheap completeness check; it is written last)
import fs from 'node:fs';
import path from 'node:path';
import { copyLibDir } from './copyLibDir.mjs';

function readManifest(cacheDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(cacheDir, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
}

// The manifest if every file it lists is present with the recorded size, else null.
function read(paths) {
  const manifest = readManifest(paths.cacheDir);
  if (!manifest || typeof manifest.files !== 'object' || !manifest.files['tfjs_binding.node']) return null;
  for (const [rel, size] of Object.entries(manifest.files)) {
    try {
      if (fs.statSync(path.join(paths.cacheDir, rel)).size !== size) return null;
    } catch {
      return null;
    }
  }
  for (const rel of Object.keys(manifest.symlinks ?? {})) {
    // stat (not lstat): the link must also resolve to its library.
    if (!fs.existsSync(path.join(paths.cacheDir, rel))) return null;
  }
  return manifest;
}

// Put the cached libraries and binding into node_modules/@tensorflow/tfjs-node.
function install(paths) {
  fs.rmSync(paths.depsLibDir, { recursive: true, force: true });
  const stats = copyLibDir(path.join(paths.cacheDir, 'deps', 'lib'), paths.depsLibDir);
  fs.mkdirSync(paths.bindingDir, { recursive: true });
  fs.rmSync(paths.bindingPath, { force: true });
  fs.copyFileSync(path.join(paths.cacheDir, 'tfjs_binding.node'), paths.bindingPath);
  return stats;
}

// Store the working setup from node_modules. Built in a temp folder and
// renamed into place, so an interrupted save never looks like a complete cache.
function save(paths, { source, tensorflow_version }) {
  const tmp = `${paths.cacheDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const stats = copyLibDir(paths.depsLibDir, path.join(tmp, 'deps', 'lib'));
  fs.copyFileSync(paths.bindingPath, path.join(tmp, 'tfjs_binding.node'));
  const files = {};
  const symlinks = {};
  for (const name of fs.readdirSync(path.join(tmp, 'deps', 'lib'))) {
    const rel = `deps/lib/${name}`;
    const st = fs.lstatSync(path.join(tmp, rel));
    if (st.isSymbolicLink()) symlinks[rel] = fs.readlinkSync(path.join(tmp, rel));
    else files[rel] = st.size;
  }
  files['tfjs_binding.node'] = fs.statSync(path.join(tmp, 'tfjs_binding.node')).size;
  const manifest = {
    source,
    tensorflow_version,
    created: new Date().toISOString(),
    tfjs_node_version: paths.pkgVersion,
    platform: process.platform,
    arch: process.arch,
    napi: paths.napi,
    files,
    symlinks,
  };
  fs.writeFileSync(path.join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.rmSync(paths.cacheDir, { recursive: true, force: true });
  fs.renameSync(tmp, paths.cacheDir);
  return stats;
}

export const tfCache = { read, install, save };
