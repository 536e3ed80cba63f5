import { describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatcher } from '../../src-shared/contract/dispatch.ts';
import { Emitter } from '../../src-shared/contract/events.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';
import {
  EVENT_CHANNEL,
  SUBSCRIBE_CHANNEL,
  UNSUBSCRIBE_CHANNEL,
  registerIpcHost,
  type IpcFrameEvent,
  type IpcMainLike,
  type IpcResult,
  type IpcSenderEvent,
} from '../../src-main/host/registerIpcHost.ts';
import { methodChannels, serviceMethods } from '../../src-shared/contract/channels.ts';

/** Electron's ipcMain, reduced to what the host uses, so the transport is tested without Electron. */
class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: IpcFrameEvent, input: unknown) => Promise<unknown>>();
  listeners = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => void>();
  handle(channel: string, listener: (event: IpcFrameEvent, input: unknown) => Promise<unknown>) {
    this.handlers.set(channel, listener);
  }
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void) {
    this.listeners.set(channel, listener);
  }
}

const STUDIO_PAGE = 'file:///app/out/renderer/index.html';
const studioFrame = { senderFrame: { url: STUDIO_PAGE } };

function setup(dispatcherFor: (services: ServiceTable) => Dispatcher = createDispatcher) {
  const progress = new Emitter<TaskProgress>();
  const reject = () => Promise.reject(new Error('unused'));
  const services = {
    project: {
      create: reject,
      open: reject,
      close: reject,
      current: async () => null,
      recent: async () => [],
      createDemo: reject,
      previewImport: reject,
      importFolder: reject,
      cancelTask: reject,
      onDidChangeProject: new Emitter<null>().event,
      onDidProgress: progress.event,
    },
    library: {
      ...Object.fromEntries(serviceMethods.library.map((name) => [name, reject])),
      labelCounts: async () => [{ label: 'yes', count: 2 }],
      onDidChangeLibrary: new Emitter<unknown>().event,
    },
    system: { diagnostics: reject, version: async () => ({ app: '1' }) },
  } as unknown as ServiceTable;
  const ipc = new FakeIpcMain();
  const logged: string[] = [];
  registerIpcHost(ipc, dispatcherFor(services), {
    isStudioPage: (url) => url === STUDIO_PAGE,
    log: (line) => logged.push(line),
  });
  const sent: unknown[][] = [];
  const destroyed: (() => void)[] = [];
  const sender: IpcSenderEvent = {
    senderFrame: { url: STUDIO_PAGE },
    sender: {
      id: 7,
      send: (...args: unknown[]) => sent.push(args),
      once: (_event, listener) => destroyed.push(listener),
    },
  };
  return { ipc, progress, sent, sender, logged, destroyed, destroy: () => destroyed.forEach((listener) => listener()) };
}

describe('Electron IPC host', () => {
  it('registers exactly the contract methods and wraps results and typed errors', async () => {
    const { ipc } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual([...methodChannels].sort());
    expect(await ipc.handlers.get('library.labelCounts')!(studioFrame, undefined)).toEqual({
      ok: true,
      out: [{ label: 'yes', count: 2 }],
    });
    const bad = (await ipc.handlers.get('library.listClips')!(studioFrame, { limit: 'many' })) as IpcResult;
    expect(bad).toMatchObject({ ok: false, err: { code: 'invalid_input' } });
  });

  it('refuses calls and subscriptions from any frame that is not the studio page', async () => {
    const { ipc, progress, sent, sender, logged } = setup();
    for (const frame of [{ senderFrame: { url: 'https://evil.example/' } }, { senderFrame: null }, {}]) {
      expect(await ipc.handlers.get('library.labelCounts')!(frame, undefined)).toMatchObject({
        ok: false,
        err: { code: 'forbidden' },
      });
    }
    // The studio page with a query or fragment is still the studio page.
    expect(
      await ipc.handlers.get('library.labelCounts')!({ senderFrame: { url: `${STUDIO_PAGE}#/runs` } }, undefined),
    ).toMatchObject({ ok: true });
    ipc.listeners.get(SUBSCRIBE_CHANNEL)!(
      { ...sender, senderFrame: { url: 'file:///tmp/other.html' } },
      1,
      'project.onDidProgress',
    );
    progress.fire({ taskId: 't', title: 'x', state: 'running', done: 1, total: 2, message: '' });
    expect(sent).toEqual([]);
    expect(logged.filter((line) => line.includes('not the studio'))).toHaveLength(4);
  });

  it('sends events to the subscribing window until it unsubscribes or closes', () => {
    const { ipc, progress, sent, sender, destroy } = setup();
    const event: TaskProgress = { taskId: 't', title: 'x', state: 'running', done: 1, total: 2, message: '' };
    ipc.listeners.get(SUBSCRIBE_CHANNEL)!(sender, 1, 'project.onDidProgress');
    ipc.listeners.get(SUBSCRIBE_CHANNEL)!(sender, 2, 'project.onDidProgress');
    ipc.listeners.get(SUBSCRIBE_CHANNEL)!(sender, 3, 'system.diagnostics');
    progress.fire(event);
    expect(sent).toEqual([
      [EVENT_CHANNEL, 1, event],
      [EVENT_CHANNEL, 2, event],
    ]);
    ipc.listeners.get(UNSUBSCRIBE_CHANNEL)!(sender, 1);
    progress.fire(event);
    expect(sent).toHaveLength(3);
    destroy();
    progress.fire(event);
    expect(sent).toHaveLength(3);
    expect(progress.listenerCount).toBe(0);
  });

  it('ignores and logs subscriptions with a bad id or channel, and a reused id replaces its subscription', () => {
    const { ipc, progress, sent, sender, logged, destroyed, destroy } = setup();
    const subscribe = ipc.listeners.get(SUBSCRIBE_CHANNEL)!;
    for (const [id, channel] of [
      [Number.NaN, 'project.onDidProgress'],
      [1.5, 'project.onDidProgress'],
      ['1', 'project.onDidProgress'],
      [1, 42],
      [1, 'constructor.name'],
    ]) {
      subscribe(sender, id, channel);
    }
    expect(logged).toHaveLength(5);
    expect(logged[0]).toBe('kws-studio: window 7 sent a subscription with no whole-number id; ignored.');
    expect(logged[4]).toBe('kws-studio: window 7 sent a subscription with an unknown event channel; ignored.');
    expect(progress.listenerCount).toBe(0);
    // A reloaded page starts its ids at 1 again: one listener, not two, and one 'destroyed' hook per window.
    subscribe(sender, 1, 'project.onDidProgress');
    subscribe(sender, 1, 'project.onDidProgress');
    subscribe(sender, 2, 'project.onDidProgress');
    expect(progress.listenerCount).toBe(2);
    expect(destroyed).toHaveLength(1);
    ipc.listeners.get(UNSUBSCRIBE_CHANNEL)!(sender, { id: 2 });
    expect(progress.listenerCount).toBe(2);
    progress.fire({ taskId: 't', title: 'x', state: 'done', done: 1, total: 1, message: '' });
    expect(sent.map((args) => args[1])).toEqual([1, 2]);
    destroy();
    expect(progress.listenerCount).toBe(0);
  });

  it('answers with a wire error whatever a service throws', async () => {
    const oddities: unknown[] = [
      undefined,
      Symbol('odd'),
      Object.create(null),
      {
        toString: () => {
          throw new Error('no');
        },
      },
    ];
    let next = 0;
    const { ipc } = setup(() => ({
      call: async () => {
        throw oddities[next++];
      },
      subscribe: () => () => undefined,
    }));
    for (let i = 0; i < oddities.length; i++) {
      const result = (await ipc.handlers.get('system.version')!(studioFrame, undefined)) as IpcResult;
      expect(result).toMatchObject({ ok: false, err: { code: 'internal', message: expect.stringMatching(/\S/) } });
    }
  });
});
