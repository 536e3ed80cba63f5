import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventChannels, methodChannels, splitChannel } from '../../src-shared/contract/channels.ts';
import { inputSchemas } from '../../src-shared/contract/inputSchemas.ts';
import { decodeWire, encodeWire } from '../../src-shared/contract/wireCodec.ts';
import type { ServerMessage } from '../../src-shared/contract/wireMessages.ts';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import { tempDir } from '../support/tempDir.ts';

/**
 * Throws a few thousand malformed requests, handshakes, WebSocket frames and messages at a serve
 * host running in its own process, then checks that the process is alive and still serves the page
 * and a valid call. The same seed sends the same cases; the counts printed at the end are the ones
 * in docs/benchmarks.md ("Serve-mode fuzz").
 */
const SEED = 14;
const random = createRandom(SEED);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = tempDir('kws-serve-fuzz-');
const TOKEN = 'fuzz-token-0123456789abcdef';

let child: ChildProcess;
let port = 0;
let exited: string | undefined;
const stderrLines: string[] = [];
/** Category → outcome → count, printed at the end. */
const tally = new Map<string, Map<string, number>>();

function count(category: string, outcome: string): void {
  const outcomes = tally.get(category) ?? new Map<string, number>();
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  tally.set(category, outcomes);
}

beforeAll(async () => {
  // The host runs in a child process so "the server died" is a process exit, not a test-runner crash.
  const script = path.join(dir, 'host.mts');
  const from = (file: string) => JSON.stringify(pathToFileURL(path.join(repo, file)).href);
  fs.writeFileSync(
    script,
    `import fs from 'node:fs';
import path from 'node:path';
import { createDispatcher } from ${from('src-shared/contract/dispatch.ts')};
import { startServeHost } from ${from('src-main/host/startServeHost.ts')};
import { createServices } from ${from('src-main/services/createServices.ts')};
const dir = process.argv[2];
const staticDir = path.join(dir, 'renderer');
fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>fuzzed studio</title>');
fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1);');
fs.writeFileSync(path.join(dir, 'secret.txt'), 'top secret');
fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(staticDir, 'assets', 'leak.js'));
fs.writeFileSync(path.join(staticDir, '.env'), 'SECRET=1');
const studio = createServices({ home: path.join(dir, 'home') });
await studio.services.project.create({ path: path.join(dir, 'project') });
const host = await startServeHost({ dispatcher: createDispatcher(studio.services), staticDir, token: ${JSON.stringify(TOKEN)} });
process.stdout.write('PORT ' + host.port + '\\n');
`,
  );
  child = spawn(process.execPath, ['--import', 'tsx', script, dir], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  child
    .stderr!.setEncoding('utf8')
    .on('data', (text: string) => stderrLines.push(...text.split('\n').filter((line) => line.trim() !== '')));
  child.on('exit', (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', () => reject(new Error(`the serve host ${exited} before listening:\n${stderrLines.join('\n')}`)));
  });
});

afterAll(() => {
  if (child.exitCode === null) child.kill();
});

function assertAlive(): void {
  if (exited) throw new Error(`the serve host ${exited}:\n${stderrLines.slice(-30).join('\n')}`);
}

// ---------------------------------------------------------------------------------------------
// Raw TCP exchanges

interface Exchange {
  reply: Buffer;
  timedOut: boolean;
  error?: string;
}

/**
 * Writes `payload` on a fresh connection and collects what comes back. `halfClose` ends the
 * sending side at once, so a truncated request cannot leave the server waiting for the rest; Node's
 * server then closes the connection too, before a handler that awaits anything can answer.
 */
function exchange(payload: Buffer | string, halfClose = true, timeoutMs = 5000): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1');
    let settled = false;
    const finish = (timedOut: boolean, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks), timedOut, error });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('connect', () => (halfClose ? socket.end(payload) : socket.write(payload)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(false, error.code));
    socket.on('close', () => finish(false));
  });
}

function statusOf(result: Exchange): string {
  if (result.error === 'ECONNREFUSED')
    throw new Error(`connection refused: the serve host is gone (${exited ?? 'no exit seen yet'})`);
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(result.reply.toString('latin1'));
  if (match) return match[1]!;
  if (result.timedOut) return 'no reply (timeout)';
  return result.error ? `reset (${result.error})` : 'closed without reply';
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Case generators (all drawn from the seeded generator, so a run is reproducible)

const pick = <T>(items: readonly T[]): T => random.pick(items);
const randomBytes = (length: number): Buffer => Buffer.from(Array.from({ length }, () => random.int(0, 255)));
const randomText = (length: number): string =>
  Array.from({ length }, () => String.fromCharCode(random.int(32, 126))).join('');

const HOST = () => `127.0.0.1:${port}`;
const COOKIE = `kws_token=${TOKEN}`;

const badTargets = (): string[] => [
  'http://[bad',
  'http://[::1',
  'http://[',
  'https://evil.example/',
  `http://${HOST()}/`,
  'http://%zz/',
  '*',
  '',
  ' ',
  '//evil.example/x',
  '/\\evil.example',
  '/%',
  '/%E0%A4%A',
  '/%zz',
  '/%00',
  '/%C0%AF',
  '/%ff%fe',
  '/a%2f..%2f..%2fetc%2fpasswd',
  '/..',
  '/../../etc/passwd',
  '/?token=',
  '/?token=%',
  `/?token=${TOKEN}%`,
  `/?token=${TOKEN}&token=x`,
  '/#frag',
  `/${'a'.repeat(random.int(9000, 70000))}`,
  `/${randomText(random.int(1, 200))}`,
  `/?${randomText(random.int(1, 200))}`,
  'ws://x/ws',
  'javascript:alert(1)',
  'mailto:x',
  '/ws',
];
const methods = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'CONNECT',
  'TRACE',
  'PRI',
  'get',
  'GETT',
  '',
  'X'.repeat(300),
  'G\u00e9T',
  'GET\u0000',
];
const versions = [
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'HTTP/9.9',
  'HTTP/1.1 extra',
  'HTTP/1',
  'http/1.1',
  '',
  'HTTP/1.1\u0000',
  'HTTP/0.9',
];

/** Request lines that are malformed or unusual: methods, targets, versions, separators, raw bytes. */
function requestLineCase(): Buffer {
  const line = `${pick(methods)}${pick([' ', '  ', '\t', ''])}${pick(badTargets())}${pick([' ', '', '  '])}${pick(versions)}`;
  const eol = pick(['\r\n', '\n', '\r', '\r\r\n']);
  const headers =
    random.next() < 0.6 ? `Host: ${HOST()}${eol}${random.next() < 0.5 ? `Cookie: ${COOKIE}${eol}` : ''}` : '';
  let text = Buffer.from(`${line}${eol}${headers}${eol}`, 'latin1');
  const mutation = random.int(0, 4);
  if (mutation === 0) text = Buffer.concat([randomBytes(random.int(1, 40)), text]);
  else if (mutation === 1) text = text.subarray(0, random.int(0, text.length));
  else if (mutation === 2)
    text = Buffer.concat([text.subarray(0, 6), randomBytes(random.int(1, 20)), text.subarray(6)]);
  return text;
}

const headerMutations: (() => string)[] = [
  () => `Host ${HOST()}`,
  () => `Host : ${HOST()}`,
  () => 'Host:',
  () => 'Host: evil.example',
  () => `Host: ${HOST()}\r\nHost: evil.example`,
  () => `Host: ${HOST()}x`,
  () => `X-Folded: a\r\n b`,
  () => `Content-Length: ${pick(['-1', 'abc', '1e3', '99999999999999999999', '5, 6', ''])}`,
  () => 'Content-Length: 5\r\nContent-Length: 6',
  () => 'Transfer-Encoding: chunked',
  () => 'Transfer-Encoding: gzip, chunked\r\nContent-Length: 3',
  () =>
    `Cookie: ${pick(['kws_token', 'kws_token=', '=;;;', `kws_token=${TOKEN}; kws_token=wrong`, `kws_token=${TOKEN.slice(0, -1)}`, 'a=b; '.repeat(500), `kws_token=${TOKEN}\u00ff`])}`,
  () => `Origin: ${pick(['null', 'http://evil.example', `https://${HOST()}`, '', randomText(30)])}`,
  () => 'Upgrade: websocket',
  () => 'Connection: Upgrade\r\nUpgrade: h2c',
  () => 'Expect: 100-continue',
  () => `X-Big: ${'b'.repeat(random.int(17000, 40000))}`,
  () => Array.from({ length: random.int(100, 3000) }, (_, i) => `X-H${i}: v`).join('\r\n'),
  () => `Bad Name: x`,
  () => `X-Nul: a\u0000b`,
  () =>
    `X-Latin: ${randomBytes(20)
      .toString('latin1')
      .replace(/[\r\n]/g, 'x')}`,
  () => randomText(random.int(1, 80)),
];

/** A well-formed request line with one to four broken, duplicated or oversized headers. */
function headerCase(): Buffer {
  const lines = [
    `${pick(['GET', 'HEAD', 'POST'])} ${pick(['/', '/assets/app.js', '/ws', `/?token=${TOKEN}`])} HTTP/1.1`,
  ];
  if (random.next() < 0.7) lines.push(`Host: ${HOST()}`);
  if (random.next() < 0.6) lines.push(`Cookie: ${COOKIE}`);
  for (let i = random.int(1, 4); i > 0; i--) lines.push(pick(headerMutations)());
  const body = random.next() < 0.3 ? pick(['0\r\n\r\n', 'zz\r\nabc', '5\r\nab', randomText(random.int(0, 50))]) : '';
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}

const pathSegments = [
  '',
  '.',
  '..',
  '.env',
  '.git',
  'assets',
  'app.js',
  'leak.js',
  'index.html',
  '%2e%2e',
  '%2E',
  '%2e',
  '%00',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  '%ff',
  '%2f',
  '%5c',
  '%5C..%5C',
  'a'.repeat(300),
  'ws',
  '%F0%9F%99%82',
  'nul',
  'con',
  '~',
  '%20',
  '%0d%0a',
  '?',
  ';',
  'a;b',
  '%25',
  '%u002e',
  '\u00e9',
];

/** Authenticated paths with broken escapes, dot segments, dotfiles, symlinks and odd characters. */
function uriCase(): Buffer {
  const segments = Array.from({ length: random.int(1, 6) }, () => pick(pathSegments));
  let target = `/${segments.join(pick(['/', '/', '//']))}`;
  if (random.next() < 0.2) target += `?${pick(['token=wrong', `token=${TOKEN}`, 'x=%', randomText(20)])}`;
  const method = random.next() < 0.85 ? pick(['GET', 'HEAD']) : pick(['POST', 'OPTIONS', 'DELETE']);
  return Buffer.from(
    `${method} ${target} HTTP/1.1\r\nHost: ${HOST()}\r\nCookie: ${COOKIE}\r\nConnection: close\r\n\r\n`,
    'latin1',
  );
}

/** A valid WebSocket handshake with none to three of its parts (token, origin, version, key, path, target, method) broken. */
function handshakeCase(): Buffer {
  const parts: Record<string, string | undefined> = {
    method: 'GET',
    target: `/ws?token=${TOKEN}`,
    Host: HOST(),
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    Origin: random.next() < 0.5 ? `http://${HOST()}` : undefined,
  };
  const breaks: Record<string, () => string | undefined> = {
    method: () => pick(['POST', 'HEAD', 'PUT', 'get']),
    target: () =>
      pick([
        '/ws',
        '/ws/',
        `/WS?token=${TOKEN}`,
        `/x?token=${TOKEN}`,
        'http://[bad',
        '*',
        '/ws?token=%',
        '/ws?token=wrong',
        `/ws?token=${TOKEN}x`,
        `http://${HOST()}/ws?token=${TOKEN}`,
      ]),
    Host: () => pick(['evil.example', '', `localhost:${port + 1}`, undefined]),
    Upgrade: () => pick(['WebSocket', 'websocket, foo', 'h2c', '', undefined]),
    Connection: () => pick(['keep-alive, Upgrade', 'close', '', undefined]),
    'Sec-WebSocket-Version': () => pick(['8', 'abc', '', '13, 8', undefined]),
    'Sec-WebSocket-Key': () => pick(['short', '', randomText(24), 'dGhlIHNhbXBsZSBub25jZQ', undefined]),
    Origin: () => pick(['http://evil.example', 'null', `https://${HOST()}`, `http://${HOST()}.evil.example`, '']),
    'Sec-WebSocket-Extensions': () =>
      pick(['permessage-deflate', 'permessage-deflate; client_max_window_bits=99', randomText(20)]),
  };
  for (let i = random.int(0, 3); i > 0; i--) {
    const name = pick(Object.keys(breaks));
    parts[name] = breaks[name]!();
  }
  const { method, target, ...headers } = parts;
  const lines = [
    `${method} ${target} HTTP/1.1`,
    ...Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [`${name}: ${value}`])),
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

interface FrameOptions {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  masked?: boolean;
  payload?: Buffer;
  /** A length that differs from the payload's (a truncated or lying frame). */
  declaredLength?: bigint;
}

function frame({
  fin = true,
  rsv = 0,
  opcode,
  masked = true,
  payload = Buffer.alloc(0),
  declaredLength,
}: FrameOptions): Buffer {
  const length = declaredLength ?? BigInt(payload.length);
  const head = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65536n) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), extended, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from(head), extended, mask, body]);
}

const closePayload = (code: number, reason = ''): Buffer =>
  Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]);
const frameMutations: { name: string; make: () => Buffer }[] = [
  { name: 'random bytes', make: () => randomBytes(random.int(1, 64)) },
  {
    name: 'reserved opcode',
    make: () => frame({ opcode: pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: randomBytes(random.int(0, 10)) }),
  },
  { name: 'reserved bits set', make: () => frame({ rsv: random.int(1, 7), opcode: 1, payload: Buffer.from('{}') }) },
  {
    name: 'unmasked client frame',
    make: () => frame({ opcode: 1, masked: false, payload: Buffer.from('{"t":"call","id":1,"ch":"system.version"}') }),
  },
  {
    name: 'control frame over 125 bytes',
    make: () => frame({ opcode: pick([8, 9, 10]), payload: randomBytes(random.int(126, 300)) }),
  },
  { name: 'fragmented control frame', make: () => frame({ fin: false, opcode: 9, payload: Buffer.from('p') }) },
  { name: 'continuation without start', make: () => frame({ opcode: 0, payload: Buffer.from('x') }) },
  {
    name: 'invalid UTF-8 text',
    make: () => frame({ opcode: 1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x7d]) }),
  },
  {
    name: 'new message inside a fragmented one',
    make: () =>
      Buffer.concat([
        frame({ fin: false, opcode: 1, payload: Buffer.from('{"t"') }),
        frame({ opcode: 1, payload: Buffer.from('{}') }),
      ]),
  },
  {
    name: 'truncated frame',
    make: () => frame({ opcode: 1, payload: Buffer.from('{"t":"call"'), declaredLength: BigInt(random.int(20, 5000)) }),
  },
  {
    name: 'length over the 64 MiB limit',
    make: () =>
      frame({
        opcode: pick([1, 2]),
        payload: randomBytes(8),
        declaredLength: pick([64n * 2n ** 20n + 1n, 2n ** 63n - 1n, 2n ** 40n]),
      }),
  },
  {
    name: 'length with the top bit set',
    make: () => frame({ opcode: 1, payload: randomBytes(8), declaredLength: 2n ** 63n + BigInt(random.int(0, 1000)) }),
  },
  {
    name: 'close with an invalid code',
    make: () => frame({ opcode: 8, payload: closePayload(pick([0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535])) }),
  },
  { name: 'close with a 1-byte payload', make: () => frame({ opcode: 8, payload: Buffer.from([3]) }) },
  {
    name: 'close with an invalid UTF-8 reason',
    make: () => frame({ opcode: 8, payload: Buffer.concat([closePayload(1000), Buffer.from([0xff, 0xfe])]) }),
  },
  {
    name: 'valid frame, non-JSON text',
    make: () => frame({ opcode: 1, payload: Buffer.from(randomText(random.int(1, 100))) }),
  },
  { name: 'valid binary frame', make: () => frame({ opcode: 2, payload: randomBytes(random.int(0, 100)) }) },
  { name: 'ping', make: () => frame({ opcode: 9, payload: randomBytes(random.int(0, 125)) }) },
  {
    name: 'many tiny fragments of a malformed message',
    make: () => {
      const text = Buffer.from(
        JSON.stringify({ t: 'call', id: randomText(random.int(100, 400)), ch: 'system.version' }),
      );
      return Buffer.concat(
        Array.from(text, (byte, i) =>
          frame({ fin: i === text.length - 1, opcode: i === 0 ? 1 : 0, payload: Buffer.from([byte]) }),
        ),
      );
    },
  },
];

/** Upgrades a raw socket, then writes `bytes` as frames; returns the server's first frame or how it ended. */
function afterUpgrade(bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let upgraded = false;
    let settled = false;
    const finish = (outcome: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish('no reply (timeout)'), 5000);
    socket.on('connect', () =>
      socket.write(
        `GET /ws?token=${TOKEN} HTTP/1.1\r\nHost: ${HOST()}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!received.subarray(0, 12).toString().includes('101'))
          return finish(`handshake refused: ${received.subarray(0, 12).toString()}`);
        upgraded = true;
        received = received.subarray(end + 4);
        socket.end(bytes);
      }
      if (received.length >= 2) {
        const opcode = received[0]! & 0x0f;
        if (opcode === 8) finish(received.length >= 4 ? `close ${received.readUInt16BE(2)}` : 'close (no code)');
        else if (opcode === 10) finish('pong');
        else finish(`frame opcode ${opcode}`);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(error.code === 'ECONNREFUSED' ? 'REFUSED' : `reset (${error.code})`),
    );
    socket.on('close', () => finish(upgraded ? 'closed without a close frame' : 'closed before the upgrade'));
  });
}

// ---------------------------------------------------------------------------------------------
// WebSocket messages over a real client

/** One connection that sends a case, then a probe call, and reports what the case got back. */
class MessageProbe {
  private ws!: WebSocket;
  private closed: { code: number; reason: string } | undefined;
  private results = new Map<number, ServerMessage>();
  private waiting = new Map<number, () => void>();
  private onClose: (() => void) | undefined;
  private nextProbe = 1_000_000_000;

  async open(): Promise<void> {
    this.closed = undefined;
    this.results.clear();
    this.ws = new WebSocket(`ws://${HOST()}/ws?token=${TOKEN}`, { maxPayload: 256 * 2 ** 20 });
    // A server that closes mid-send resets the socket; the close code is what the case records.
    this.ws.on('error', () => undefined);
    this.ws.on('message', (raw) => {
      const message = decodeWire(raw.toString()) as ServerMessage;
      if (message.t === 'result') {
        this.results.set(message.id, message);
        this.waiting.get(message.id)?.();
      }
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.onClose?.();
    });
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** Sends `text`, then a valid call; resolves once that call is answered or the socket closes. */
  async send(text: string | Buffer, caseId: number | undefined, binary = false): Promise<string> {
    if (!this.ws || this.closed || this.ws.readyState !== WebSocket.OPEN) await this.open();
    const probeId = this.nextProbe++;
    this.results.clear();
    const done = new Promise<void>((resolve) => {
      this.waiting.set(probeId, resolve);
      this.onClose = resolve;
    });
    this.ws.send(text, { binary });
    this.ws.send(encodeWire({ t: 'call', id: probeId, ch: 'system.version' }));
    await done;
    this.waiting.delete(probeId);
    const result = caseId === undefined ? undefined : this.results.get(caseId);
    if (result && result.t === 'result') return result.ok ? 'ok' : `error ${result.err.code}`;
    if (this.closed) return `close ${this.closed.code}`;
    return 'no reply';
  }

  close(): void {
    this.ws?.close();
  }
}

const idPool: unknown[] = [1, 0, -1, 1.5, '1', null, undefined, 1e300, 2 ** 53, {}, [], true, 42];
const channelPool = (): unknown[] => [
  pick(methodChannels),
  pick(eventChannels),
  'toString.x',
  'constructor.name',
  '__proto__.x',
  'project',
  'project.',
  '.open',
  'project.constructor',
  'project.__proto__',
  'project.hasOwnProperty',
  'x'.repeat(500),
  1,
  null,
  undefined,
  ['project.open'],
  'system.version\u0000',
  '',
];

/** Random JSON values, typed arrays and broken typed-array encodings, for envelopes and inputs. */
function randomValue(brokenTyped: boolean, depth = 0): unknown {
  const kind = random.int(0, depth > 2 ? 9 : 13);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random.next() < 0.5;
    case 2:
      return pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, 3]);
    case 3:
      return randomText(random.int(0, 30));
    case 4:
      return '';
    case 5:
      return pick([
        '../../etc/passwd',
        '/',
        'run-x',
        'sweep-x',
        'upload-00000000-0000-0000-0000-000000000000',
        '\u0000',
        'redis://x',
      ]);
    case 6:
      return new Float32Array(random.int(0, 8));
    case 7:
      return new Uint8Array(randomBytes(random.int(0, 16)));
    case 8:
      return !brokenTyped
        ? randomText(8)
        : {
            $typed: pick(['Float32Array', 'Uint8Array', 'constructor', '__proto__', 'toString', 'BigInt64Array']),
            base64: pick(['', 'A', 'AAA', 'AAAAA', '@@@@', 'AAAAAAAA']),
          };
    case 9:
      return 'x'.repeat(random.int(1000, 100_000));
    case 10:
    case 11:
      return Array.from({ length: random.int(0, 5) }, () => randomValue(brokenTyped, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = random.int(0, 4); i > 0; i--) object[pick(fieldNames)] = randomValue(brokenTyped, depth + 1);
      return object;
    }
  }
}

/** Field names the real schemas use, so random objects get past "unknown key" often enough to reach deeper checks. */
const fieldNames: string[] = [
  ...new Set(
    Object.values(inputSchemas).flatMap((schemas) =>
      Object.values(schemas as Record<string, unknown>).flatMap((schema) => {
        const shape = (schema as { shape?: Record<string, unknown> }).shape;
        return shape ? Object.keys(shape) : [];
      }),
    ),
  ),
  'extra',
  '__proto__',
  'constructor',
];

function envelopeCase(): { text: string | Buffer; caseId?: number; binary?: boolean } {
  const kind = random.int(0, 9);
  if (kind === 0)
    return {
      text: pick([
        '{',
        '{"t":',
        '[1,',
        'nul',
        '"',
        randomText(random.int(1, 50)),
        '{"t":"call","id":1,"ch":"system.version"',
      ]),
    };
  if (kind === 1) return { text: pick(['null', 'true', '1', '"text"', '[]', '[1,2]', '{}', '-0', '1e999']) };
  if (kind === 2) {
    const depth = random.int(1000, 100_000);
    return { text: `${'['.repeat(depth)}${random.next() < 0.5 ? ']'.repeat(depth) : ''}` };
  }
  if (kind === 3) return { text: randomBytes(random.int(1, 64)), binary: true };
  const message: Record<string, unknown> = {};
  if (random.next() < 0.9) message.t = pick(['call', 'call', 'sub', 'unsub', 'CALL', '', null, 1, {}]);
  const id = pick(idPool);
  if (id !== undefined) message.id = id;
  const ch = pick(channelPool());
  if (ch !== undefined) message.ch = ch;
  if (random.next() < 0.7) message.in = randomValue(true);
  if (kind === 4) message[pick(['$typed', 'base64', '__proto__', 'extra'])] = randomValue(true);
  const text = encodeWire(message);
  // A valid call of a real method with an input its schema accepts is no malformed message: skip it.
  if (
    message.t === 'call' &&
    Number.isSafeInteger(message.id) &&
    typeof message.ch === 'string' &&
    methodChannels.includes(message.ch)
  ) {
    if (acceptsInput(message.ch, decodeWire(text) as { in?: unknown })) return envelopeCase();
  }
  return { text, caseId: Number.isSafeInteger(message.id) ? (message.id as number) : undefined };
}

function acceptsInput(channel: string, message: { in?: unknown }): boolean {
  const [service, method] = splitChannel(channel)!;
  const schema = (inputSchemas[service] as Record<string, { safeParse(value: unknown): { success: boolean } }>)[
    method
  ]!;
  return schema.safeParse(message.in).success;
}

/** A wrong input for `channel`: drawn at random until its schema rejects it (what the server decodes, checked). */
function wrongInput(channel: string): unknown {
  for (;;) {
    const candidate = random.next() < 0.15 ? pick([undefined, null, 0, 'x', [], true]) : randomValue(false);
    const seen = decodeWire(encodeWire({ in: candidate })) as { in?: unknown };
    if (!acceptsInput(channel, seen)) return candidate;
  }
}

// ---------------------------------------------------------------------------------------------

const CASES = {
  requestLines: 700,
  headers: 700,
  uris: 800,
  handshakes: 300,
  frames: 500,
  envelopes: 600,
  inputsPerMethod: 10,
};

describe('serve mode under fuzzing', () => {
  it('survives a few thousand malformed requests, frames and messages, then serves the page and a valid call', async () => {
    const started = performance.now();
    const http = async (category: string, payload: Buffer) => {
      const status = statusOf(await exchange(payload));
      count(category, status);
      // A 5xx means a handler threw (or the UI was missing); either way not an answer to bad input.
      expect(status, `${category}: ${JSON.stringify(payload.subarray(0, 120).toString('latin1'))}`).not.toMatch(/^5/);
    };
    await inParallel(Array.from({ length: CASES.requestLines }, requestLineCase), 16, (payload) =>
      http('HTTP request lines', payload),
    );
    assertAlive();
    await inParallel(Array.from({ length: CASES.headers }, headerCase), 16, (payload) => http('HTTP headers', payload));
    assertAlive();
    await inParallel(Array.from({ length: CASES.uris }, uriCase), 16, async (payload) => {
      const result = await exchange(payload, false);
      const status = statusOf(result);
      count('URIs (with the token)', status);
      expect(status, JSON.stringify(payload.toString('latin1'))).toMatch(/^(200|303|400|401|404|405)$/);
      // Neither the symlink out of the folder nor the dotfile is ever served.
      expect(result.reply.toString('latin1')).not.toMatch(/top secret|SECRET=1/);
    });
    assertAlive();
    await inParallel(Array.from({ length: CASES.handshakes }, handshakeCase), 16, (payload) =>
      http('WebSocket handshakes', payload),
    );
    assertAlive();

    const frames = Array.from({ length: CASES.frames }, () => pick(frameMutations)).map((mutation) => ({
      name: mutation.name,
      bytes: mutation.make(),
    }));
    await inParallel(frames, 16, async ({ name, bytes }) => {
      const outcome = await afterUpgrade(bytes);
      if (outcome === 'REFUSED')
        throw new Error(`connection refused after a "${name}" frame: the serve host ${exited ?? 'is gone'}`);
      count('raw WebSocket frames', outcome);
      expect(outcome, name).not.toMatch(/timeout|refused/);
    });
    assertAlive();

    const probe = new MessageProbe();
    for (let i = 0; i < CASES.envelopes; i++) {
      const { text, caseId, binary } = envelopeCase();
      const outcome = await probe.send(text, caseId, binary);
      count('WebSocket messages (envelope)', outcome);
      expect(outcome, String(text).slice(0, 200)).toMatch(
        /^(error (invalid_input|unknown_channel)|close (1003|1008|1009)|ok|no reply)$/,
      );
    }
    // Large but under the 64 MiB cap: parsed and refused by the schema, on a connection that stays open.
    const large = await probe.send(
      encodeWire({ t: 'call', id: 7, ch: 'project.open', in: { path: 'x'.repeat(8 * 2 ** 20) } }),
      7,
    );
    count('WebSocket messages (envelope)', large);
    expect(large).toBe('error invalid_input');
    assertAlive();

    // Wrong inputs for every method: each must come back as invalid_input from the schema, on an open connection.
    let id = 1;
    for (const channel of methodChannels) {
      for (let i = 0; i < CASES.inputsPerMethod; i++) {
        const caseId = id++;
        const outcome = await probe.send(
          encodeWire({ t: 'call', id: caseId, ch: channel, in: wrongInput(channel) }),
          caseId,
        );
        count('service inputs of the wrong type', outcome);
        expect(outcome, channel).toBe('error invalid_input');
      }
    }
    probe.close();
    assertAlive();

    // Still serving: the page, a valid call, and the process never exited.
    const page = await exchange(
      `GET / HTTP/1.1\r\nHost: ${HOST()}\r\nCookie: ${COOKIE}\r\nConnection: close\r\n\r\n`,
      false,
    );
    expect(statusOf(page)).toBe('200');
    expect(page.reply.toString()).toContain('<title>fuzzed studio</title>');
    const client = new MessageProbe();
    expect(await client.send(encodeWire({ t: 'call', id: 1, ch: 'library.listClips', in: {} }), 1)).toBe('ok');
    client.close();
    assertAlive();
    expect(child.exitCode).toBeNull();
    // Nothing threw inside the host: its only log lines are WebSocket protocol errors it closed on.
    expect(
      stderrLines.filter(
        (line) => line.startsWith('kws-studio serve:') && !line.includes('WebSocket closed after a protocol error'),
      ),
    ).toEqual([]);

    const seconds = (performance.now() - started) / 1000;
    let total = 0;
    const report = [...tally].map(([category, outcomes]) => {
      const cases = [...outcomes.values()].reduce((sum, n) => sum + n, 0);
      total += cases;
      const detail = [...outcomes]
        .sort((a, b) => b[1] - a[1])
        .map(([outcome, n]) => `${outcome}: ${n}`)
        .join(', ');
      return `| ${category} | ${cases} | ${detail} |`;
    });
    console.log(
      [
        `serve fuzz (seed ${SEED}): ${total} cases in ${seconds.toFixed(1)} s; host log lines: ${stderrLines.length}`,
        '| category | cases | outcomes |',
        '| --- | --- | --- |',
        ...report,
      ].join('\n'),
    );
  });
});
