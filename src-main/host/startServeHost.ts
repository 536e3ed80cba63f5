import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatcher } from '../../src-shared/contract/dispatch.ts';
import { toWireError } from '../../src-shared/contract/StudioError.ts';
import { decodeWire, encodeWire } from '../../src-shared/contract/wireCodec.ts';
import type { ClientMessage, ServerMessage } from '../../src-shared/contract/wireMessages.ts';
import { contentSecurityPolicy } from './contentSecurityPolicy.ts';

export interface ServeHostOptions {
  dispatcher: Dispatcher;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed for tests; a fresh random token per launch otherwise. */
  token?: string;
}

export interface ServeHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'kws_token';
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

/**
 * Serve mode: the built renderer and the service table over HTTP + WebSocket, bound to 127.0.0.1
 * only. Every request must carry the per-launch token (in the URL once, then in an HttpOnly
 * cookie), and the Host and Origin must be this loopback address, which stops other local users'
 * pages and DNS-rebinding sites from reaching the services.
 */
export async function startServeHost(options: ServeHostOptions): Promise<ServeHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const server = http.createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const authorized = (request: http.IncomingMessage, url: URL): boolean => {
    if (!allowedHosts.has(request.headers.host ?? '')) return false;
    const offered = url.searchParams.get('token') ?? readCookie(request.headers.cookie, COOKIE);
    return offered !== undefined && offered !== null && sameSecret(offered, token);
  };

  server.on('request', (request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (!authorized(request, url)) {
      response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Unauthorized: open the URL that `kws-studio serve` printed; it carries this launch\'s token.\n');
      return;
    }
    if (url.searchParams.has('token')) {
      // Trade the token in the URL for a cookie, then drop it from the address bar and history.
      url.searchParams.delete('token');
      response.writeHead(303, {
        location: url.pathname + url.search,
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      response.end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    serveStatic(options.staticDir, url.pathname, response);
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const origin = request.headers.origin;
    const originOk = origin === undefined || allowedHosts.has(origin.replace(/^http:\/\//, ''));
    if (url.pathname !== '/ws' || !originOk || !authorized(request, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws, options.dispatcher));
  });

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveSocket(ws: WebSocket, dispatcher: Dispatcher): void {
  const subscriptions = new Map<number, () => void>();
  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeWire(message));
  };
  ws.on('message', async (raw) => {
    let message: ClientMessage;
    try {
      message = decodeWire(raw.toString()) as ClientMessage;
    } catch {
      ws.close(1003, 'malformed message');
      return;
    }
    if (message.t === 'call') {
      try {
        send({ t: 'result', id: message.id, ok: true, out: await dispatcher.call(message.ch, message.in) });
      } catch (error) {
        send({ t: 'result', id: message.id, ok: false, err: toWireError(error) });
      }
    } else if (message.t === 'sub') {
      try {
        subscriptions.set(message.id, dispatcher.subscribe(message.ch, (data) => send({ t: 'event', id: message.id, data })));
        send({ t: 'result', id: message.id, ok: true });
      } catch (error) {
        send({ t: 'result', id: message.id, ok: false, err: toWireError(error) });
      }
    } else if (message.t === 'unsub') {
      subscriptions.get(message.id)?.();
      subscriptions.delete(message.id);
    }
  });
  ws.on('close', () => {
    for (const unsubscribe of subscriptions.values()) unsubscribe();
    subscriptions.clear();
  });
}

function serveStatic(root: string, pathname: string, response: http.ServerResponse): void {
  const relative = decodeURIComponent(pathname).replace(/^\/+/, '') || 'index.html';
  const file = path.resolve(root, relative);
  const inside = file === root || file.startsWith(root + path.sep);
  const target = inside && fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(root, 'index.html');
  if (!fs.existsSync(target)) {
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`The studio's user interface is not built (${target} is missing). Run: npm run build\n`);
    return;
  }
  const isIndex = target.endsWith('index.html');
  response.writeHead(200, {
    'content-type': contentTypes[path.extname(target)] ?? 'application/octet-stream',
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': isIndex ? 'no-store' : 'max-age=3600',
  });
  fs.createReadStream(target).pipe(response);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function sameSecret(offered: string, expected: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
