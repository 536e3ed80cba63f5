import type { Dispatcher } from '../../src-shared/contract/dispatch.ts';
import { toWireError, type WireError } from '../../src-shared/contract/StudioError.ts';
import { eventChannels, methodChannels } from '../../src-shared/contract/channels.ts';

/** The part of Electron's ipcMain this host needs; platform/ passes the real one in. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: unknown, input: unknown) => Promise<unknown>): void;
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): void;
}

export interface IpcSenderEvent {
  sender: { id: number; send(channel: string, ...args: unknown[]): void; once(event: 'destroyed', listener: () => void): void };
}

export type IpcResult = { ok: true; out: unknown } | { ok: false; err: WireError };

export const SUBSCRIBE_CHANNEL = 'kws:subscribe';
export const UNSUBSCRIBE_CHANNEL = 'kws:unsubscribe';
export const EVENT_CHANNEL = 'kws:event';

/**
 * Electron transport: one `ipcMain.handle` per allow-listed method channel (results wrapped so
 * typed errors survive), and subscriptions whose events go back to the subscribing window only.
 */
export function registerIpcHost(ipcMain: IpcMainLike, dispatcher: Dispatcher): void {
  for (const channel of methodChannels) {
    ipcMain.handle(channel, async (_event, input): Promise<IpcResult> => {
      try {
        return { ok: true, out: await dispatcher.call(channel, input) };
      } catch (error) {
        return { ok: false, err: toWireError(error) };
      }
    });
  }
  const subscriptions = new Map<string, () => void>();
  ipcMain.on(SUBSCRIBE_CHANNEL, (event, id, channel) => {
    if (typeof id !== 'number' || typeof channel !== 'string' || !eventChannels.includes(channel)) return;
    const key = `${event.sender.id}:${id}`;
    subscriptions.set(key, dispatcher.subscribe(channel, (data) => event.sender.send(EVENT_CHANNEL, id, data)));
    event.sender.once('destroyed', () => {
      subscriptions.get(key)?.();
      subscriptions.delete(key);
    });
  });
  ipcMain.on(UNSUBSCRIBE_CHANNEL, (event, id) => {
    const key = `${event.sender.id}:${String(id)}`;
    subscriptions.get(key)?.();
    subscriptions.delete(key);
  });
}
