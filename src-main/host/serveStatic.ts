import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { contentSecurityPolicy } from './contentSecurityPolicy.ts';
import { describeThrown, type HostLog } from './hostLog.ts';
import { sendPlain } from './sendPlain.ts';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

// O_NOFOLLOW: the checked path cannot be swapped for a symlink before it is opened. O_NONBLOCK: a
// FIFO swapped in at that moment cannot hang the open. Both are 0 where the platform lacks them.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

type Opened =
  { kind: 'file'; handle: fs.promises.FileHandle; size: number } | { kind: 'missing' } | { kind: 'refused' };

/**
 * Serves the built renderer: only regular files whose real path (symlinks resolved) lies inside
 * `root`; never dotfiles, directories, devices or FIFOs. A path that names no file gets index.html,
 * so the single-page app's own routes load; a path refused for what it is gets 404.
 */
export async function serveStatic(
  root: string,
  pathname: string,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  log: HostLog,
): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendPlain(response, 400, `Bad request: ${pathname.slice(0, 200)} is not valid percent-encoding.\n`);
    return;
  }
  const segments = decoded.split('/').filter((segment) => segment !== '');
  // Dot segments (., .., .git, .env) and characters no built asset has are refused outright.
  if (segments.some((segment) => segment.startsWith('.') || segment.includes('\\') || segment.includes('\0'))) {
    notServed(response, pathname);
    return;
  }

  let realRoot: string;
  try {
    realRoot = await fs.promises.realpath(root);
  } catch {
    notBuilt(response, path.join(root, 'index.html'));
    return;
  }
  let opened =
    segments.length === 0
      ? ({ kind: 'missing' } as const)
      : await openInside(realRoot, path.join(realRoot, ...segments));
  if (opened.kind === 'refused') {
    notServed(response, pathname);
    return;
  }
  const isIndex = opened.kind === 'missing';
  if (opened.kind === 'missing') opened = await openInside(realRoot, path.join(realRoot, 'index.html'));
  if (opened.kind !== 'file') {
    notBuilt(response, path.join(root, 'index.html'));
    return;
  }
  const { handle, size } = opened;
  const extension = isIndex ? '.html' : path.extname(segments.at(-1)!).toLowerCase();
  response.writeHead(200, {
    'content-type': contentTypes[extension] ?? 'application/octet-stream',
    'content-length': size,
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': isIndex || extension === '.html' ? 'no-store' : 'max-age=3600',
  });
  if (request.method === 'HEAD') {
    await handle.close();
    response.end();
    return;
  }
  pipeline(handle.createReadStream(), response, (error) => {
    // A client that leaves mid-download is no failure of ours.
    if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE')
      log(`kws-studio serve: sending ${pathname} failed: ${describeThrown(error)}`);
  });
}

/**
 * Opens `candidate` if it is a regular file inside `realRoot` once every symlink is resolved.
 * "missing" (nothing there, or a directory) lets the caller fall back to index.html.
 */
async function openInside(realRoot: string, candidate: string): Promise<Opened> {
  let real: string;
  try {
    real = await fs.promises.realpath(candidate);
  } catch (error) {
    if (isMissing(error)) return { kind: 'missing' };
    throw error;
  }
  if (!real.startsWith(realRoot + path.sep)) return { kind: 'refused' };
  const stats = await fs.promises.lstat(real);
  if (stats.isDirectory()) return { kind: 'missing' };
  if (!stats.isFile()) return { kind: 'refused' };
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(real, OPEN_FLAGS);
  } catch (error) {
    // Removed, or replaced by a symlink (ELOOP under O_NOFOLLOW), since the check above.
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ELOOP') return { kind: 'refused' };
    throw error;
  }
  const opened = await handle.stat();
  if (!opened.isFile() || opened.ino !== stats.ino || opened.dev !== stats.dev) {
    await handle.close();
    return { kind: 'refused' };
  }
  return { kind: 'file', handle, size: opened.size };
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'ELOOP';
}

function notServed(response: http.ServerResponse, pathname: string): void {
  sendPlain(
    response,
    404,
    `Not found: ${pathname.slice(0, 200)} is not a file of the studio's user interface (dotfiles, special files and links out of its folder are never served).\n`,
  );
}

function notBuilt(response: http.ServerResponse, index: string): void {
  sendPlain(response, 500, `The studio's user interface is not built (${index} is missing). Run: npm run build\n`);
}
