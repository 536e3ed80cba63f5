// Step C: @tensorflow/tfjs-node's own install script (denied in package.json
// "allowScripts" so that its failure can't fail `npm install`). It downloads
// libtensorflow 2.9.1 from storage.googleapis.com, then builds or downloads
// the binding. Works on machines with internet access; offline it fails fast.
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from './runCommand.mjs';
import { tfBuildEnv } from './tfBuildEnv.mjs';

const TIMEOUT_MS = 180_000;

export async function tfjsNodeInstall(paths, logFile) {
  // Start clean: with deps/lib present, install.js would skip the download
  // and just rebuild against whatever libraries are lying around.
  fs.rmSync(paths.depsDir, { recursive: true, force: true });
  fs.rmSync(paths.libDir, { recursive: true, force: true });
  // install.js rewrites its own package.json ("binary.package_name") and only
  // restores it on success; put it back ourselves either way.
  const pkgJsonPath = path.join(paths.pkgDir, 'package.json');
  const original = fs.readFileSync(pkgJsonPath);
  try {
    return await runCommand(process.execPath, [path.join('scripts', 'install.js')], {
      cwd: paths.pkgDir,
      env: tfBuildEnv(paths),
      timeoutMs: TIMEOUT_MS,
      logFile,
    });
  } finally {
    if (!fs.readFileSync(pkgJsonPath).equals(original)) fs.writeFileSync(pkgJsonPath, original);
  }
}
