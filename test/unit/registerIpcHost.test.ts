import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import { Emitter } from '../../src-shared/contract/events.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';
import {
  EVENT_CHANNEL,
  SUBSCRIBE_CHANNEL,
  UNSUBSCRIBE_CHANNEL,
  registerIpcHost,
  type IpcMainLike,
  type IpcResult,
  type IpcSenderEvent,
} from '../../src-main/host/registerIpcHost.ts';
import { methodChannels, serviceMethods } from '../../src-shared/contract/channels.ts';

/** Electron's ipcMain, reduced to what the host uses, so the transport is tested without Electron. */
class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  listeners = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => void>();
  handle(channel: string, listener: (event: unknown, input: unknown) => Promise<unknown>) {
    this.handlers.set(channel, listener);
  }
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void) {
    this.listeners.set(channel, listener);
  }
}

function setup() {
  const progress = new Emitter<TaskProgress>();
  const reject = () => Promise.reject(new Error('unused'));
  const services = {
    project: {
      create: reject, open: reject, close: reject, current: async () => null, recent: async () => [], createDemo: reject, previewImport: reject, importFolder: reject, cancelTask: reject,
      onDidChangeProject: new Emitter<null>().event, onDidProgress: progress.event,
    },
    library: {
      ...Object.fromEntries(serviceMethods.library.map((name) => [name, reject])),
      labelCounts: async () => [{ label: 'yes', count: 2 }],
      onDidChangeLibrary: new Emitter<unknown>().event,
    },
    system: { diagnostics: reject, version: async () => ({ app: '1' }) },
  } as unknown as ServiceTable;
  const ipc = new FakeIpcMain();
  registerIpcHost(ipc, createDispatcher(services));
  const sent: unknown[][] = [];
  let destroyed: () => void = () => undefined;
  const sender: IpcSenderEvent = { sender: { id: 7, send: (...args: unknown[]) => sent.push(args), once: (_event, listener) => (destroyed = listener) } };
  return { ipc, progress, sent, sender, destroy: () => destroyed() };
}

describe('Electron IPC host', () => {
  it('registers exactly the contract methods and wraps results and typed errors', async () => {
    const { ipc } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual([...methodChannels].sort());
    expect(await ipc.handlers.get('library.labelCounts')!({}, undefined)).toEqual({ ok: true, out: [{ label: 'yes', count: 2 }] });
    const bad = (await ipc.handlers.get('library.listClips')!({}, { limit: 'many' })) as IpcResult;
    expect(bad).toMatchObject({ ok: false, err: { code: 'invalid_input' } });
  });

  it('sends events to the subscribing window until it unsubscribes or closes', () => {
    const { ipc, progress, sent, sender, destroy } = setup();
    const event: TaskProgress = { taskId: 't', title: 'x', state: 'running', done: 1, total: 2, message: '' };
    ipc.listeners.get(SUBSCRIBE_CHANNEL)!(sender, 1, 'project.onDidProgress');
    ipc.listeners.get(SUBSCRIBE_CHANNEL)!(sender, 2, 'project.onDidProgress');
    ipc.listeners.get(SUBSCRIBE_CHANNEL)!(sender, 3, 'system.diagnostics');
    progress.fire(event);
    expect(sent).toEqual([[EVENT_CHANNEL, 1, event], [EVENT_CHANNEL, 2, event]]);
    ipc.listeners.get(UNSUBSCRIBE_CHANNEL)!(sender, 1);
    progress.fire(event);
    expect(sent).toHaveLength(3);
    destroy();
    progress.fire(event);
    expect(sent).toHaveLength(3);
    expect(progress.listenerCount).toBe(0);
  });
});
