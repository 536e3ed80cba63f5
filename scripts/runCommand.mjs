// Runs a child process with a hard timeout, keeping the tail of its output in
// memory (for short error reasons) and optionally appending everything to a
// log file. Never throws: the caller gets { ok, code, signal, timedOut, error,
// output, reason } and decides what to print.
//
// On POSIX the child gets its own process group so a timeout (or Ctrl-C of the
// installer) also kills what it started (node-gyp, make, g++, pip ...);
// otherwise those would linger and keep our output pipes open.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const MAX_KEPT_BYTES = 64 * 1024;
const useGroups = process.platform !== 'win32';
const running = new Set();

function killTree(child) {
  try {
    if (useGroups) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    // Already gone.
  }
}

// If the installer itself is interrupted, take the children down with it.
// Exit 0 anyway: this script must never be the reason an install fails.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    for (const child of running) killTree(child);
    console.error(
      `kws-studio: interrupted (${signal}); native setup left incomplete, rerun node scripts/postinstall.mjs`,
    );
    process.exit(0);
  });
}

// Pick one short, human-readable reason out of a failed run.
function shortReason(result, timeoutMs) {
  if (result.timedOut) return `timed out after ${Math.round(timeoutMs / 1000)} s`;
  if (result.error) return result.error.code === 'ENOENT' ? `${result.command} not found` : result.error.message;
  const lines = result.output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^at\s/.test(l) && !/^\w+: ['\d-]/.test(l)) // no stack frames or error-object fields
    .reverse();
  // Prefer a line that *is* an error message ("Error: getaddrinfo ENOTFOUND ...",
  // "ERROR: No matching distribution ..."), then any line mentioning one.
  const hit =
    lines.find((l) => /^([A-Za-z]*Error|ERROR|error)\b:?/.test(l)) ??
    lines.find((l) =>
      /\b(getaddrinfo|E[A-Z]{4,}|[A-Za-z]*Error\b|error:|ERR!|No matching distribution|Could not find)/.test(l),
    );
  const text = hit ?? (result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export function runCommand(command, args, { cwd, env, timeoutMs = 60_000, logFile } = {}) {
  return new Promise((resolvePromise) => {
    const chunks = [];
    let kept = 0;
    let logFd = null;
    if (logFile) {
      try {
        logFd = fs.openSync(logFile, 'a');
        // Inline scripts (python3 -c ...) are shown as <script> to keep the log readable.
        const shown = [command, ...args.map((a) => (a.includes('\n') ? '<script>' : a))].join(' ');
        fs.writeSync(logFd, `\n=== ${new Date().toISOString()} $ ${shown}  (cwd ${cwd ?? process.cwd()})\n`);
      } catch {
        logFd = null;
      }
    }
    const keep = (buf) => {
      chunks.push(buf);
      kept += buf.length;
      while (kept > MAX_KEPT_BYTES && chunks.length > 1) kept -= chunks.shift().length;
      if (logFd !== null) {
        try {
          fs.writeSync(logFd, buf);
        } catch {
          // A full disk must not break the install; the in-memory tail is enough.
        }
      }
    };

    let settled = false;
    let timedOut = false;
    let timer = null;
    let child;
    const finish = (fields) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child) running.delete(child);
      if (logFd !== null) {
        try {
          fs.closeSync(logFd);
        } catch {
          // ignore
        }
      }
      const result = { command, code: null, signal: null, error: null, ...fields, timedOut };
      result.output = Buffer.concat(chunks).toString('utf8');
      result.ok = !result.error && !timedOut && result.code === 0;
      result.reason = result.ok ? '' : shortReason(result, timeoutMs);
      resolvePromise(result);
    };

    try {
      child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: useGroups });
    } catch (error) {
      finish({ error });
      return;
    }
    running.add(child);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => finish({ error }));
    child.on('exit', (code, signal) => {
      // 'close' normally follows once the pipes drain; don't wait forever if a
      // stray grandchild still holds them.
      setTimeout(() => finish({ code, signal }), 2000).unref();
    });
    child.on('close', (code, signal) => finish({ code, signal }));
    timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, timeoutMs);
  });
}

// Last n non-empty lines of a command's output, for failure messages.
runCommand.tail = (output, n = 20) =>
  output
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(-n);
