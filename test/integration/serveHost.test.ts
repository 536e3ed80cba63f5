import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher, type Dispatcher } from '../../src-shared/contract/dispatch.ts';
import { fromWireError } from '../../src-shared/contract/StudioError.ts';
import { decodeWire, encodeWire } from '../../src-shared/contract/wireCodec.ts';
import type { ServerMessage } from '../../src-shared/contract/wireMessages.ts';
import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';
import { startServeHost, type ServeHost } from '../../src-main/host/startServeHost.ts';
import { createServices, type StudioServices } from '../../src-main/services/createServices.ts';
import { removeStagedUploads } from '../../src-main/services/project/uploadStaging.ts';
import { writeTestWav } from '../support/writeTestWav.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir();
const staticDir = path.join(dir, 'renderer');
let host: ServeHost;
let studio: StudioServices;
const logged: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
  studio = createServices({ home: path.join(dir, 'home') });
  host = await startServeHost({
    dispatcher: createDispatcher(studio.services),
    staticDir,
    log: (line) => logged.push(line),
  });
});
afterAll(async () => {
  await host.close();
  studio.dispose();
});

function get(pathname: string, headers: Record<string, string> = {}, address = '127.0.0.1', port = host.port) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.get({ host: address, port, path: pathname, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
  });
}

/** A Node client of the same WebSocket protocol the renderer speaks. */
function connect(url: string): Promise<{ ws: WebSocket; services: ReturnType<typeof createClient> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let nextId = 1;
    const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
    const listeners = new Map<number, (value: unknown) => void>();
    ws.on('message', (raw) => {
      const message = decodeWire(raw.toString()) as ServerMessage;
      if (message.t === 'event') listeners.get(message.id)?.(message.data);
      else if (message.ok) pending.get(message.id)?.resolve(message.out);
      else pending.get(message.id)?.reject(fromWireError(message.err));
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    ws.on('open', () =>
      resolve({
        ws,
        services: createClient({
          invoke: (ch, input) =>
            new Promise((ok, fail) => {
              const id = nextId++;
              pending.set(id, { resolve: ok, reject: fail });
              ws.send(encodeWire({ t: 'call', id, ch, in: input }));
            }),
          subscribe: (ch, listener) => {
            const id = nextId++;
            listeners.set(id, listener);
            ws.send(encodeWire({ t: 'sub', id, ch }));
            return () => ws.send(encodeWire({ t: 'unsub', id }));
          },
        }),
      }),
    );
  });
}

describe('serve mode', () => {
  it('listens on the loopback interface only', async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    expect(host.url.startsWith('http://127.0.0.1:')).toBe(true);
    if (external) {
      await expect(get(`/?token=${host.token}`, {}, external.address)).rejects.toThrow(/ECONNREFUSED/);
    } else {
      console.log('no non-loopback IPv4 interface on this machine: the refusal from another address is not checked');
    }
  });

  it('refuses requests without the token, with a wrong token, or for another host name', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/', { cookie: 'kws_token=wrong' })).status).toBe(401);
    expect((await get(`/?token=${host.token}`, { host: `evil.example:${host.port}` })).status).toBe(401);
  });

  it('trades the token for an HttpOnly cookie and serves the UI with a strict CSP', async () => {
    const first = await get(`/?token=${host.token}`);
    expect(first.status).toBe(303);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await get('/', { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>studio</title>');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const traversal = await get('/..%2f..%2fetc%2fpasswd', { cookie: cookie.split(';')[0]! });
    expect(traversal.body).not.toContain('root:');
  });

  it('refuses WebSocket connections without the token or from a foreign origin', async () => {
    const wsUrl = `ws://127.0.0.1:${host.port}/ws`;
    await expect(connect(wsUrl)).rejects.toThrow(/401|Unexpected server response|socket hang up/);
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${wsUrl}?token=${host.token}`, { origin: 'http://evil.example' });
        ws.on('open', resolve);
        ws.on('error', reject);
      }),
    ).rejects.toThrow();
  });

  it('serves calls, typed errors, typed arrays and event subscriptions over the WebSocket', async () => {
    const { ws, services } = await connect(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
    await expect(services.project.open({ path: path.join(dir, 'nothing-here') })).rejects.toMatchObject({
      code: 'not_a_project',
    });
    await expect(services.library.listClips({ limit: 0 })).rejects.toMatchObject({ code: 'invalid_input' });

    const changes: unknown[] = [];
    const progress: TaskProgress[] = [];
    services.project.onDidChangeProject((info) => changes.push(info));
    services.project.onDidProgress((event) => progress.push(event));
    const info = await services.project.create({ path: path.join(dir, 'project') });
    expect(info.clipCount).toBe(0);

    const source = path.join(dir, 'source', 'yes');
    fs.mkdirSync(source, { recursive: true });
    for (let i = 0; i < 3; i++) writeTestWav(path.join(source, `spk${i}_nohash_0.wav`), { frequency: 300 + i * 100 });
    const report = await services.project.importFolder({ path: path.dirname(source) });
    expect(report.imported).toBe(3);

    const page = await services.library.listClips({});
    const audio = await services.library.clipAudio({ clipId: page.rows[0]!.id });
    expect(audio.samples).toBeInstanceOf(Float32Array);
    expect(audio.samples.length).toBe(16000);

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(changes.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatchObject({ state: 'done' });
    ws.close();
  });
});

/** Sends raw bytes (a request no HTTP client would build) and returns the reply up to the server's close. */
function raw(text: string, port = host.port): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(reply));
    setTimeout(() => socket.destroy(), 5000);
  });
}

/** Opens a WebSocket and returns it with a queue of what the server sends and how it closes. */
async function openSocket(port = host.port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${port === host.port ? host.token : 'other-token'}`);
  const messages: ServerMessage[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => messages.push(decodeWire(data.toString()) as ServerMessage));
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  const reply = async (id: number): Promise<ServerMessage> => {
    for (let i = 0; i < 200; i++) {
      const found = messages.find((message) => message.id === id);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no reply to message ${id}`);
  };
  return { ws, messages, closed, reply };
}

describe('serve mode under malformed input', () => {
  const cookie = () => `kws_token=${host.token}`;

  it('answers 400 to targets that do not parse, with or without the token, and keeps serving', async () => {
    const before = logged.length;
    const request = (line: string, extra = '') =>
      raw(`${line}\r\nHost: 127.0.0.1:${host.port}\r\n${extra}Connection: close\r\n\r\n`);
    // The two requests that used to end the process: new URL() and decodeURIComponent() threw in the handler.
    expect(await request('GET http://[bad HTTP/1.1')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await request('GET /%E0%A4%A HTTP/1.1', `Cookie: ${cookie()}\r\n`)).toMatch(
      /^HTTP\/1\.1 400 [^]*\/%E0%A4%A is not valid percent-encoding/,
    );
    expect(await request('GET http://[bad HTTP/1.1', 'Upgrade: websocket\r\nConnection: Upgrade\r\n')).toMatch(
      /^HTTP\/1\.1 400 /,
    );
    // The absolute form would name a host other than the Host header the token check reads.
    expect(await request(`GET http://evil.example/?token=${host.token} HTTP/1.1`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await request('GET /%00 HTTP/1.1', `Cookie: ${cookie()}\r\n`)).toMatch(/^HTTP\/1\.1 404 /);
    expect(await request('POST / HTTP/1.1', `Cookie: ${cookie()}\r\n`)).toMatch(
      /^HTTP\/1\.1 405 [^]*allow: GET, HEAD/i,
    );
    const page = await get('/', { cookie: cookie() });
    expect(page.status).toBe(200);
    expect(logged.slice(before)).toEqual([]);
  });

  it('answers 500 and logs a line when a handler throws, and keeps serving', async () => {
    const lines: string[] = [];
    // A static folder that is no path makes the file lookup throw inside the request handler.
    const broken = await startServeHost({
      dispatcher: createDispatcher(studio.services),
      staticDir: 42 as unknown as string,
      token: 'other-token',
      log: (line) => lines.push(line),
    });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await get('/', { cookie: 'kws_token=other-token' }, '127.0.0.1', broken.port);
        expect(response.status).toBe(500);
        expect(response.body).toMatch(/^Internal error: the studio could not answer this request/);
      }
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^kws-studio serve: GET \/ failed: TypeError/);
    } finally {
      await broken.close();
    }
  });

  it('never redirects the token exchange to another host', async () => {
    for (const target of [
      `/.//evil.example/?token=${host.token}`,
      `//evil.example/?token=${host.token}`,
      `/\\evil.example/?token=${host.token}`,
    ]) {
      const response = await get(target);
      expect(response.status).toBe(303);
      expect(response.headers.location).toMatch(/^\/(?!\/)/);
    }
  });

  it('serves only regular files inside the UI folder: no symlinks out of it, dotfiles, FIFOs or directories', async () => {
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'top secret');
    fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log("app");');
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(staticDir, 'leak.js'));
    fs.symlinkSync(dir, path.join(staticDir, 'up'));
    fs.symlinkSync(path.join(staticDir, 'assets', 'app.js'), path.join(staticDir, 'alias.js'));
    fs.writeFileSync(path.join(staticDir, '.env'), 'SECRET=1');
    const fifo = spawnSync('mkfifo', [path.join(staticDir, 'pipe.js')]);
    expect(fifo.status).toBe(0);

    const headers = { cookie: cookie() };
    for (const refused of [
      '/leak.js',
      '/up/secret.txt',
      '/.env',
      '/assets/.env',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/pipe.js',
    ]) {
      const response = await get(refused, headers);
      expect(response.status, refused).toBe(404);
      expect(response.body).not.toMatch(/top secret|SECRET=1/);
    }
    const app = await get('/assets/app.js', headers);
    expect(app).toMatchObject({ status: 200, body: 'console.log("app");' });
    expect(app.headers['content-type']).toMatch(/text\/javascript/);
    expect(app.headers['content-length']).toBe('19');
    // A symlink that stays inside the folder is still the app's own file.
    expect((await get('/alias.js', headers)).body).toBe('console.log("app");');
    // A directory or an unknown route is the single-page app's, so it gets index.html.
    for (const route of ['/assets', '/train/runs']) {
      const response = await get(route, headers);
      expect(response.body, route).toContain('<title>studio</title>');
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('answers malformed WebSocket messages with an error result or a close, and never stops serving', async () => {
    const { ws, closed, reply } = await openSocket();
    ws.send(encodeWire({ t: 'call', id: 1, ch: 5 }));
    expect(await reply(1)).toMatchObject({
      ok: false,
      err: { code: 'invalid_input', message: 'Malformed message: "ch" must be a channel name, got 5.' },
    });
    ws.send(encodeWire({ t: 'call', id: 2, ch: 'toString.x' }));
    expect(await reply(2)).toMatchObject({
      ok: false,
      err: { code: 'unknown_channel', message: 'Unknown channel "toString.x".' },
    });
    ws.send(encodeWire({ t: 'sub', id: 3, ch: 'constructor.name' }));
    expect(await reply(3)).toMatchObject({ ok: false, err: { code: 'unknown_channel' } });
    ws.send(encodeWire({ t: 'sub', id: 4, ch: 'project.onDidProgress' }));
    expect(await reply(4)).toEqual({ t: 'result', id: 4, ok: true });
    ws.send(encodeWire({ t: 'sub', id: 4, ch: 'project.onDidProgress' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    ws.send(encodeWire({ t: 'nope', id: 5 }));
    expect(await reply(5)).toMatchObject({
      ok: false,
      err: { code: 'invalid_input', message: 'Malformed message: "t" must be "call", "sub" or "unsub", got "nope".' },
    });
    ws.send(encodeWire({ t: 'call', id: 6, ch: 'library.listClips', in: 'all of them' }));
    expect(await reply(6)).toMatchObject({ ok: false, err: { code: 'invalid_input' } });
    ws.send('null');
    expect(await closed).toEqual({
      code: 1008,
      reason: 'malformed message: expected an object with "t" and "id", got null',
    });

    for (const [message, code, reason] of [
      ['{"t":"call","ch":"system.version"}', 1008, /"id" must be a whole number, got nothing/],
      ['{"t":"call","id":"1","ch":"system.version"}', 1008, /"id" must be a whole number, got "1"/],
      ['{"t":"call","id":1.5,"ch":"system.version"}', 1008, /got 1\.5/],
      ['[1,2]', 1008, /got an array/],
      ['{"t":', 1003, /not JSON/],
      [Buffer.from([1, 2, 3]), 1003, /binary messages/],
    ] as const) {
      const socket = await openSocket();
      socket.ws.send(message);
      const close = await socket.closed;
      expect(close.code, String(message)).toBe(code);
      expect(close.reason).toMatch(reason);
    }
    const { ws: fresh, reply: freshReply } = await openSocket();
    fresh.send(encodeWire({ t: 'call', id: 1, ch: 'system.version' }));
    expect(await freshReply(1)).toMatchObject({ ok: true });
    fresh.close();
  });

  it('turns whatever a service throws or returns into a wire result, and logs an event it cannot send', async () => {
    const oddities: unknown[] = [
      undefined,
      null,
      42,
      'plain text',
      Symbol('odd'),
      Object.create(null),
      {
        toString: () => {
          throw new Error('no');
        },
      },
      new Error(''),
    ];
    const lines: string[] = [];
    let fire: ((value: unknown) => void) | undefined;
    const dispatcher: Dispatcher = {
      async call(_channel, input) {
        const index = (input as { index: number }).index;
        if (index === oddities.length) return 10n;
        throw oddities[index];
      },
      subscribe(channel, listener) {
        if (channel === 'runs.onDidChangeRuns') throw Symbol('no subscriptions today');
        fire = listener;
        return () => undefined;
      },
    };
    const odd = await startServeHost({ dispatcher, staticDir, token: 'other-token', log: (line) => lines.push(line) });
    try {
      const { ws, reply } = await openSocket(odd.port);
      for (let index = 0; index <= oddities.length; index++) {
        ws.send(encodeWire({ t: 'call', id: index + 1, ch: 'system.version', in: { index } }));
        const result = await reply(index + 1);
        expect(result, `value ${index}`).toMatchObject({ t: 'result', ok: false, err: { code: 'internal' } });
        expect((result as { err: { message: string } }).err.message).toMatch(/\S/);
      }
      ws.send(encodeWire({ t: 'sub', id: 100, ch: 'runs.onDidChangeRuns' }));
      expect(await reply(100)).toMatchObject({
        ok: false,
        err: { code: 'internal', message: 'Symbol(no subscriptions today)' },
      });
      ws.send(encodeWire({ t: 'sub', id: 101, ch: 'project.onDidProgress' }));
      expect(await reply(101)).toMatchObject({ ok: true });
      fire!(10n);
      expect(lines).toEqual([
        expect.stringMatching(
          /^kws-studio serve: an event for subscription 101 could not be encoded and was dropped: TypeError/,
        ),
      ]);
      ws.send(encodeWire({ t: 'call', id: 200, ch: 'system.version', in: { index: 2 } }));
      expect(await reply(200)).toMatchObject({ ok: false, err: { message: '42' } });
      ws.close();
    } finally {
      await odd.close();
    }
  });
});

describe('staged uploads when serve mode stops and starts', () => {
  it("removes this process's drops when serve stops, a dead process's at the next open, and never a live one's", async () => {
    const root = path.join(dir, 'staging-project');
    const staging = path.join(root, 'staging');
    const first = createServices({ home: path.join(dir, 'home') });
    await first.services.project.create({ path: root });
    await expect(
      first.services.project.beginUpload({ files: [{ path: '.KWS-upload-owner.json', size: 10 }] }),
    ).rejects.toThrow(
      '".KWS-upload-owner.json": the studio keeps this name for its own record of the upload. Nothing was uploaded.',
    );
    const upload = await first.services.project.beginUpload({ files: [{ path: 'yes/a.wav', size: 10 }] });
    expect(fs.existsSync(path.join(staging, upload.uploadId))).toBe(true);
    const booted = Date.now() - os.uptime() * 1000;
    expect(JSON.parse(fs.readFileSync(path.join(staging, upload.uploadId, '.kws-upload-owner.json'), 'utf8'))).toEqual({
      pid: process.pid,
      host: os.hostname(),
      booted: expect.closeTo(booted, -4),
    });
    // What `kws-studio serve` does on Ctrl+C: close the host and services, then remove the drops.
    first.dispose();
    expect(removeStagedUploads()).toBe(1);
    expect(fs.existsSync(staging)).toBe(false);

    // Leftovers of other processes: one that crashed (its pid no longer runs), one from before a
    // reboot (its pid now names a running process), one still running (its drop is two hours old,
    // yet may be importing), and ones without an owner record (older studios): removed when idle.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const stage = (id: string, owner?: { pid: number; host: string; booted: number }, ageMs = 0) => {
        const folder = path.join(staging, `upload-${id}`);
        fs.mkdirSync(path.join(folder, 'yes'), { recursive: true });
        fs.writeFileSync(path.join(folder, 'yes', 'a.wav'), 'RIFF');
        if (owner) fs.writeFileSync(path.join(folder, '.kws-upload-owner.json'), JSON.stringify(owner));
        const when = new Date(Date.now() - ageMs);
        fs.utimesSync(folder, when, when);
        return folder;
      };
      const crashed = stage('00000000-0000-4000-8000-000000000001', {
        pid: Number(dead.stdout),
        host: os.hostname(),
        booted,
      });
      const running = stage(
        '00000000-0000-4000-8000-000000000002',
        { pid: live.pid!, host: os.hostname(), booted },
        2 * 3600_000,
      );
      const beforeReboot = stage('00000000-0000-4000-8000-000000000006', {
        pid: live.pid!,
        host: os.hostname(),
        booted: booted - 86_400_000,
      });
      const recentUnowned = stage('00000000-0000-4000-8000-000000000003');
      const oldUnowned = stage('00000000-0000-4000-8000-000000000004', undefined, 2 * 3600_000);

      const second = createServices({ home: path.join(dir, 'home') });
      await second.services.project.open({ path: root });
      expect(fs.existsSync(crashed)).toBe(false);
      expect(fs.existsSync(running)).toBe(true);
      expect(fs.existsSync(beforeReboot)).toBe(false);
      expect(fs.existsSync(recentUnowned)).toBe(true);
      expect(fs.existsSync(oldUnowned)).toBe(false);
      second.dispose();
    } finally {
      live.kill();
    }
  });
});
