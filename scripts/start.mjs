// `npm start`: build, then open the studio on the demo project — in Electron when its binary is
// installed, otherwise (as on machines that cannot download it) in a browser through serve mode.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cli = path.join(root, 'bin', 'kws-studio.js');

const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);

let electron;
try {
  const binary = require('electron');
  if (typeof binary === 'string' && fs.existsSync(binary)) electron = binary;
} catch {
  // The electron package throws when its binary was never downloaded.
}

if (electron) {
  const demo = spawnSync(process.execPath, [cli, 'demo', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const project = demo.status === 0 ? JSON.parse(demo.stdout.toString()).path : undefined;
  const child = spawn(electron, [root], { stdio: 'inherit', env: { ...process.env, ...(project ? { KWS_STUDIO_PROJECT: project } : {}) } });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('kws-studio: no Electron binary is installed here, so the studio opens in your browser (serve mode) instead.');
  const child = spawn(process.execPath, [cli, 'serve', '--demo', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
