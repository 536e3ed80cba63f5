// Step D: fallback when libtensorflow can't be downloaded from Google's
// bucket. The tensorflow-cpu pip wheel ships the same C API libraries
// (libtensorflow_cc.so.2 exports the TF_* C functions tfjs-node calls) plus
// the headers, and pip can get it from a local index or mirror. We extract
// what tfjs-node expects in deps/ and compile the binding against it.
// Linux x64 only: that is the wheel we know works.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { log, seconds } from './log.mjs';
import { runCommand } from './runCommand.mjs';
import { tfBuildEnv } from './tfBuildEnv.mjs';

export const WHEEL_TF_VERSION = '2.21.0';
const WHEEL_REQUIREMENT = `tensorflow-cpu==${WHEEL_TF_VERSION}`;
const PIP_TIMEOUT_MS = 15 * 60_000;
const EXTRACT_TIMEOUT_MS = 5 * 60_000;
const BUILD_TIMEOUT_MS = 10 * 60_000;

// Streams the two libraries and the needed headers out of the wheel (a zip)
// without unpacking its ~1 GB of other content.
const EXTRACT_PY = `
import os, shutil, sys, zipfile
whl, deps = sys.argv[1], sys.argv[2]
libs = ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2')
inc = 'tensorflow/include/'
keep = ('tensorflow/c/', 'tensorflow/core/platform/', 'tsl/', 'xla/tsl/')
count = 0
with zipfile.ZipFile(whl) as z:
    for info in z.infolist():
        name = info.filename
        if name.endswith('/') or '..' in name.split('/'):
            continue
        if name in libs:
            out = os.path.join(deps, 'lib', name.rsplit('/', 1)[1])
        elif name.startswith(inc) and name[len(inc):].startswith(keep):
            out = os.path.join(deps, 'include', name[len(inc):])
        else:
            continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if os.path.lexists(out):
            os.unlink(out)
        with z.open(info) as src, open(out, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        count += 1
missing = [l for l in libs if not os.path.exists(os.path.join(deps, 'lib', l.rsplit('/', 1)[1]))]
if missing:
    sys.exit('error: not in the wheel: ' + ', '.join(missing))
print('extracted %d files' % count)
`;

function nodePreGypScript(paths) {
  const bin = path.join(paths.root, 'node_modules', '.bin', 'node-pre-gyp');
  if (fs.existsSync(bin)) return fs.realpathSync(bin);
  return createRequire(path.join(paths.pkgDir, 'package.json')).resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp');
}

const fail = (reason, result) => ({ ok: false, reason, result });

// Returns { ok: true, wheel } or { ok: false, reason, result? }.
export async function tfFromPipWheel(paths, logFile) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return fail(`no pip-wheel fallback for ${process.platform}-${process.arch}`);
  }
  fs.rmSync(paths.depsDir, { recursive: true, force: true });
  fs.rmSync(paths.libDir, { recursive: true, force: true });
  fs.mkdirSync(paths.wheelDir, { recursive: true });
  const env = tfBuildEnv(paths);

  let start = performance.now();
  log(`fetching the ${WHEEL_REQUIREMENT} wheel with pip (about 250 MB, from the configured index)...`);
  let result = await runCommand(
    'python3',
    [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--platform',
      'manylinux_2_27_x86_64',
      '--python-version',
      '3.11',
      WHEEL_REQUIREMENT,
      '-d',
      paths.wheelDir,
    ],
    { env, timeoutMs: PIP_TIMEOUT_MS, logFile },
  );
  if (!result.ok) return fail(`pip download failed: ${result.reason}`, result);
  const wheelName = fs
    .readdirSync(paths.wheelDir)
    .find((f) => f.startsWith(`tensorflow_cpu-${WHEEL_TF_VERSION}-`) && f.endsWith('.whl'));
  if (!wheelName) return fail('pip download succeeded but no tensorflow_cpu wheel was found', result);
  const wheel = path.join(paths.wheelDir, wheelName);
  log(`got ${wheelName} (${seconds(start)})`);

  start = performance.now();
  result = await runCommand('python3', ['-c', EXTRACT_PY, wheel, paths.depsDir], {
    env,
    timeoutMs: EXTRACT_TIMEOUT_MS,
    logFile,
  });
  if (!result.ok) return fail(`extracting the wheel failed: ${result.reason}`, result);
  // The names tfjs-node's binding.gyp links against (-ltensorflow -ltensorflow_framework).
  fs.symlinkSync('libtensorflow_cc.so.2', path.join(paths.depsLibDir, 'libtensorflow.so'));
  fs.symlinkSync('libtensorflow_framework.so.2', path.join(paths.depsLibDir, 'libtensorflow_framework.so'));
  log(`extracted libtensorflow from the wheel (${seconds(start)})`);

  start = performance.now();
  result = await runCommand(process.execPath, [nodePreGypScript(paths), 'install', '--build-from-source'], {
    cwd: paths.pkgDir,
    env,
    timeoutMs: BUILD_TIMEOUT_MS,
    logFile,
  });
  if (!result.ok) return fail(`building tfjs_binding.node failed: ${result.reason}`, result);
  log(`compiled tfjs_binding.node (${seconds(start)})`);
  return { ok: true, wheel };
}
