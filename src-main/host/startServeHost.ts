import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Dispatcher } from '../../src-shared/contract/dispatch.ts';
import { consoleHostLog, describeThrown, type HostLog } from './hostLog.ts';
import { parseRequestTarget } from './parseRequestTarget.ts';
import { sendPlain } from './sendPlain.ts';
import { serveSocket } from './serveSocket.ts';
import { serveStatic } from './serveStatic.ts';

export interface ServeHostOptions {
  dispatcher: Dispatcher;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed for tests; a fresh random token per launch otherwise. */
  token?: string;
  /** Where failures the host survived are reported (default: stderr). */
  log?: HostLog;
}

export interface ServeHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'kws_token';

/**
 * Serve mode: the built renderer and the service table over HTTP + WebSocket, bound to 127.0.0.1
 * only. Every request must carry the per-launch token (in the URL once, then in an HttpOnly
 * cookie), and the Host and Origin must be this loopback address, which stops other local users'
 * pages and DNS-rebinding sites from reaching the services. No request can end the process: a
 * target that does not parse gets 400, and a handler that throws answers 500 and logs a line.
 */
export async function startServeHost(options: ServeHostOptions): Promise<ServeHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.log ?? consoleHostLog;
  const server = http.createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  server.on('error', (error) => log(`kws-studio serve: server error: ${describeThrown(error)}`));

  const authorized = (request: http.IncomingMessage, url: URL): boolean => {
    if (!allowedHosts.has(request.headers.host ?? '')) return false;
    const offered = url.searchParams.get('token') ?? readCookie(request.headers.cookie, COOKIE);
    return offered !== undefined && offered !== null && sameSecret(offered, token);
  };

  const handleRequest = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const url = parseRequestTarget(request.url, port);
    if (!url) {
      sendPlain(response, 400, 'Bad request: the request target is not a path on this server.\n');
      return;
    }
    if (!authorized(request, url)) {
      sendPlain(
        response,
        401,
        "Unauthorized: open the URL that `kws-studio serve` printed; it carries this launch's token.\n",
      );
      return;
    }
    if (url.searchParams.has('token')) {
      // Trade the token in the URL for a cookie, then drop it from the address bar and history.
      // One leading slash only: "//host" in a Location header would send the browser elsewhere.
      url.searchParams.delete('token');
      response.writeHead(303, {
        location: `/${url.pathname.replace(/^\/+/, '')}${url.search}`,
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      response.end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    await serveStatic(options.staticDir, url.pathname, request, response, log);
  };

  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    handleRequest(request, response).catch((error: unknown) => {
      log(
        `kws-studio serve: ${String(request.method)} ${String(request.url).slice(0, 200)} failed: ${describeThrown(error)}`,
      );
      try {
        if (response.headersSent) response.destroy();
        else sendPlain(response, 500, 'Internal error: the studio could not answer this request; its log says why.\n');
      } catch {
        response.destroy();
      }
    });
  });

  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets a refused handshake must not raise an 'error' nobody listens to.
    const ignoreError = () => undefined;
    socket.on('error', ignoreError);
    try {
      const url = parseRequestTarget(request.url, port);
      if (!url) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
        return;
      }
      const origin = request.headers.origin;
      const originOk = origin === undefined || allowedHosts.has(origin.replace(/^http:\/\//, ''));
      if (url.pathname !== '/ws' || !originOk || !authorized(request, url)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      socket.removeListener('error', ignoreError);
      sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws, options.dispatcher, log));
    } catch (error) {
      log(`kws-studio serve: a WebSocket handshake failed: ${describeThrown(error)}`);
      socket.destroy();
    }
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
