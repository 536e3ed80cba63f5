import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import { fromWireError } from '../../src-shared/contract/StudioError.ts';
import { decodeWire, encodeWire } from '../../src-shared/contract/wireCodec.ts';
import type { ServerMessage } from '../../src-shared/contract/wireMessages.ts';
import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';
import { startServeHost, type ServeHost } from '../../src-main/host/startServeHost.ts';
import { createServices, type StudioServices } from '../../src-main/services/createServices.ts';
import { writeTestWav } from '../support/writeTestWav.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir();
const staticDir = path.join(dir, 'renderer');
let host: ServeHost;
let studio: StudioServices;

beforeAll(async () => {
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
  studio = createServices({ home: path.join(dir, 'home') });
  host = await startServeHost({ dispatcher: createDispatcher(studio.services), staticDir });
});
afterAll(async () => {
  await host.close();
  studio.dispose();
});

function get(pathname: string, headers: Record<string, string> = {}, address = '127.0.0.1') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.get({ host: address, port: host.port, path: pathname, headers }, (response) => {
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
    await expect(services.project.open({ path: path.join(dir, 'nothing-here') })).rejects.toMatchObject({ code: 'not_a_project' });
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
