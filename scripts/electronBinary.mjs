// Electron's own install script is denied in package.json "allowScripts":
// it downloads the binary from GitHub, and on an offline machine that failure
// would fail the whole `npm install`. We run it here instead, with a timeout,
// and only explain (never fail) when the binary can't be fetched: `npm start`
// then falls back to serve mode in a browser.
import fs from 'node:fs';
import path from 'node:path';
import { log, seconds } from './log.mjs';
import { runCommand } from './runCommand.mjs';

const TIMEOUT_MS = 60_000;

export async function electronBinary(root) {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    log('ELECTRON_SKIP_BINARY_DOWNLOAD is set; not fetching the Electron binary.');
    return { ok: false, skipped: true };
  }
  const electronDir = path.join(root, 'node_modules', 'electron');
  const installJs = path.join(electronDir, 'install.js');
  if (!fs.existsSync(installJs)) {
    // Production install (--omit=dev) or electron not installed at all.
    return { ok: false, skipped: true };
  }
  // path.txt is written by install.js after a successful download+extract.
  if (fs.existsSync(path.join(electronDir, 'path.txt'))) return { ok: true };

  const start = performance.now();
  const result = await runCommand(process.execPath, [installJs], { cwd: electronDir, timeoutMs: TIMEOUT_MS });
  if (result.ok && fs.existsSync(path.join(electronDir, 'path.txt'))) {
    log(`Electron binary downloaded (${seconds(start)}).`);
    return { ok: true };
  }
  let reason = result.ok ? 'install.js finished but wrote no path.txt' : result.reason;
  // @electron/get only reports undici's bare "TypeError: fetch failed".
  if (/fetch failed|getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(reason)) {
    reason = `download from GitHub failed: ${reason.replace(/^TypeError: /, '')}`;
  }
  log(`Electron binary not available (${reason}); npm start will use serve mode in a browser instead.`);
  return { ok: false, reason };
}
