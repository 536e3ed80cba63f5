// All the locations the native TensorFlow setup touches, computed in one place.
// Returns null when @tensorflow/tfjs-node isn't installed (nothing to do).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Same rule node-pre-gyp uses: the highest N-API version the package was
// built for that this Node supports (8 for tfjs-node 4.22 on Node 20).
function napiBuildVersion(pkgJson) {
  const supported = pkgJson.binary?.napi_versions ?? [];
  const current = Number(process.versions.napi);
  const usable = supported.filter((v) => v <= current);
  return usable.length ? Math.max(...usable) : 8;
}

// Cache root lives outside node_modules so it survives `rm -rf node_modules`
// and `npm ci`; that's what makes reinstalling a few seconds instead of minutes.
function cacheRoot() {
  if (process.env.KWS_STUDIO_CACHE) return path.resolve(process.env.KWS_STUDIO_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'kws-studio');
}

export function tfPaths(root) {
  const pkgDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
  let pkgJson;
  try {
    pkgJson = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
  const napi = napiBuildVersion(pkgJson);
  const cache = cacheRoot();
  const key = `tfjs-node-${pkgJson.version}-${process.platform}-${process.arch}-napi${napi}`;
  const bindingDir = path.join(pkgDir, 'lib', `napi-v${napi}`);
  return {
    root,
    pkgDir,
    pkgVersion: pkgJson.version,
    napi,
    depsDir: path.join(pkgDir, 'deps'),
    depsLibDir: path.join(pkgDir, 'deps', 'lib'),
    depsIncludeDir: path.join(pkgDir, 'deps', 'include'),
    libDir: path.join(pkgDir, 'lib'),
    bindingDir,
    bindingPath: path.join(bindingDir, 'tfjs_binding.node'),
    cache,
    cacheDir: path.join(cache, 'native-tf', key),
    wheelDir: path.join(cache, 'wheel'),
    logFile: path.join(cache, 'native-tf-build.log'),
    statusFile: path.join(root, 'node_modules', '.kws-studio-native-tf.json'),
  };
}
