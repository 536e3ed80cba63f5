// `npm start`: build, then open the studio on the demo project — in Electron when its binary is
// installed, otherwise (as on machines that cannot download it) in a browser through serve mode.
// It says what is happening in a few short lines; the build's and the studio's full output (with
// TensorFlow's start-up log) go to a log file in the studio's home, whose path it prints.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { register } from 'tsx/esm/api';
import { log, seconds } from './log.mjs';
import { projectRoot as root } from './projectRoot.mjs';

const require = createRequire(import.meta.url);
const cli = path.join(root, 'bin', 'kws-studio.js');
const KEPT_LOGS = 10;

// The studio's own rule for its home (KWS_STUDIO_HOME, else the XDG data folder), not a copy of it.
register();
const { logsDir, studioHome } = await import('../src-main/services/appPaths.ts');

const logFile = openLogFile();
const logStream = fs.createWriteStream(logFile, { flags: 'a' });
const childEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' };

log(`Building the studio… (full output: ${logFile})`);
const buildStarted = performance.now();
const build = await runToLog(process.execPath, [
  path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
  'build',
]);
if (build !== 0) await fail(`The build failed (exit code ${build}).`, build);
log(`Built in ${seconds(buildStarted)}.`);

const electron = electronBinary();
if (electron) {
  log('Creating the demo project, if it is not there yet (about a minute the first time)…');
  const demo = await runToLog(process.execPath, [cli, 'demo', '--json'], { captureStdout: true });
  const project = demo.code === 0 ? JSON.parse(demo.stdout).path : undefined;
  if (!project) log.warn(`The demo project could not be created; the studio opens without it (details: ${logFile}).`);
  log('Opening the studio window…');
  const child = spawn(electron, [root], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...childEnv, ...(project ? { KWS_STUDIO_PROJECT: project } : {}) },
  });
  child.stdout.pipe(logStream, { end: false });
  child.stderr.pipe(logStream, { end: false });
  forwardSignals(child);
  child.on('close', (code) => process.exit(code ?? 0));
} else {
  log('No Electron binary is installed here, so the studio opens in your browser (serve mode) instead.');
  log('Starting the studio…');
  const child = spawn(process.execPath, [cli, 'serve', '--demo', ...process.argv.slice(2)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv,
  });
  let running = false;
  eachLine(child.stdout, (line) => {
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(line)?.[0];
    if (url && !running) {
      running = true;
      log("KWS Studio is running. Open this URL in a browser (it carries this launch's secret token):");
      console.log(`\n    ${url}\n`);
      log('Press Ctrl+C to stop.');
    } else if (/^(Creating the demo project|Demo project ready)/.test(line)) log(line);
  });
  eachLine(child.stderr, (line) => {
    if (line.startsWith('kws-studio:')) console.error(line);
  });
  forwardSignals(child);
  // 'close', not 'exit': the last of its output is in the log by then.
  child.on('close', (code, signal) => {
    if (signal || code === 0 || code === 130) process.exit(0);
    void fail(`The studio stopped with exit code ${code}.`, code ?? 1);
  });
}

/** A new log file in the studio's home (or the temp folder when that is not writable); old ones are pruned. */
function openLogFile() {
  const stamp = new Date().toISOString().replace(/:/g, '-').slice(0, 19);
  for (const dir of [logsDir(studioHome()), path.join(os.tmpdir(), 'kws-studio-logs')]) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const old = fs
        .readdirSync(dir)
        .filter((name) => /^start-.*\.log$/.test(name))
        .sort();
      for (const name of old.slice(0, Math.max(0, old.length - (KEPT_LOGS - 1))))
        fs.rmSync(path.join(dir, name), { force: true });
      const file = path.join(dir, `start-${stamp}.log`);
      fs.writeFileSync(file, `npm start, ${new Date().toISOString()}, in ${root}\n`);
      return file;
    } catch {
      // Try the next folder.
    }
  }
  return os.devNull;
}

/** Runs a command with its output going to the log; resolves with its exit code (and stdout when asked). */
function runToLog(command, args, { captureStdout = false } = {}) {
  logStream.write(`\n$ ${[command, ...args].join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      if (captureStdout) stdout += chunk;
      logStream.write(chunk);
    });
    child.stderr.pipe(logStream, { end: false });
    child.on('error', (error) => {
      logStream.write(`${error.message}\n`);
      resolve(captureStdout ? { code: 1, stdout } : 1);
    });
    child.on('close', (code) => resolve(captureStdout ? { code: code ?? 1, stdout } : (code ?? 1)));
  });
}

/** Calls `onLine` for each line of a child's output, and copies all of it to the log. */
function eachLine(stream, onLine) {
  let pending = '';
  stream.on('data', (chunk) => {
    logStream.write(chunk);
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
}

function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

function electronBinary() {
  try {
    const binary = require('electron');
    if (typeof binary === 'string' && fs.existsSync(binary)) return binary;
  } catch {
    // The electron package throws when its binary was never downloaded.
  }
  return undefined;
}

/** Says what failed, shows the end of the log, and exits. */
async function fail(message, code) {
  await new Promise((resolve) => logStream.end(resolve));
  log.warn(message, `The last lines of ${logFile}:`);
  let text = '';
  try {
    text = fs.readFileSync(logFile, 'utf8');
  } catch {
    // Nothing to show.
  }
  const tail = text
    .split('\n')
    .filter((line) => line.trim())
    .slice(-20);
  for (const line of tail) console.error(`  ${line}`);
  process.exit(code);
}
