// Step A: does the native binding load? Always checked in a child process:
// a broken libtensorflow can segfault or abort on load, and that must not take
// the installer down with it. Returns { ok, version } or { ok: false, reason }.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const PROBE = "const b = require(process.argv[1]); console.log('KWS_TF_VERSION=' + b.TF_Version);";

export function checkTfBinding(bindingPath) {
  if (!fs.existsSync(bindingPath)) return { ok: false, reason: 'binding not built' };
  const res = spawnSync(process.execPath, ['-e', PROBE, bindingPath], {
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  const match = /KWS_TF_VERSION=(\S+)/.exec(res.stdout ?? '');
  if (res.status === 0 && match && match[1] !== 'undefined') return { ok: true, version: match[1] };
  const lastLine = `${res.stderr ?? ''}`
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^at\s/.test(l) && !/^(node:internal|\^|Node\.js v)/.test(l))
    .find((l) => /Error|cannot open|undefined symbol|not found/i.test(l));
  const reason =
    res.error?.message ??
    lastLine ??
    (res.signal ? `loading the binding crashed (${res.signal})` : `exit code ${res.status}`);
  return { ok: false, reason: reason.length > 160 ? `${reason.slice(0, 157)}...` : reason };
}
