import type { Dispatcher } from '../../src-shared/contract/dispatch.ts';
import type { WireError } from '../../src-shared/contract/StudioError.ts';
import { eventChannels, methodChannels } from '../../src-shared/contract/channels.ts';
import { consoleHostLog, describeThrown, type HostLog } from './hostLog.ts';
import { wireErrorOf } from './wireErrorOf.ts';

/** The part of Electron's ipcMain this host needs; platform/ passes the real one in. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcFrameEvent, input: unknown) => Promise<unknown>): void;
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): void;
}

/** The frame a message came from (Electron's `event.senderFrame`; null once the frame is gone). */
export interface IpcFrameEvent {
  senderFrame?: { url: string } | null;
}

export interface IpcSenderEvent extends IpcFrameEvent {
  sender: {
    id: number;
    send(channel: string, ...args: unknown[]): void;
    once(event: 'destroyed', listener: () => void): void;
  };
}

export interface IpcHostOptions {
  /** Whether a page at this URL (without query or fragment) is the studio's own; messages from any other frame are refused (Electron security checklist: validate the sender). */
  isStudioPage(url: string): boolean;
  log?: HostLog;
}

export type IpcResult = { ok: true; out: unknown } | { ok: false; err: WireError };

export const SUBSCRIBE_CHANNEL = 'kws:subscribe';
export const UNSUBSCRIBE_CHANNEL = 'kws:unsubscribe';
export const EVENT_CHANNEL = 'kws:event';

/**
 * Electron transport: one `ipcMain.handle` per allow-listed method channel (results wrapped so
 * typed errors survive, whatever a service throws), and subscriptions whose events go back to the
 * subscribing window only. Subscription messages are checked (a whole-number id, an allow-listed
 * event channel); a bad one is logged and ignored, since `ipcMain.on` has no reply to carry an error.
 */
export function registerIpcHost(
  ipcMain: IpcMainLike,
  dispatcher: Dispatcher,
  { isStudioPage, log = consoleHostLog }: IpcHostOptions,
): void {
  const fromStudio = (event: IpcFrameEvent): boolean => {
    const url = event.senderFrame?.url;
    // The page's own routes (#/runs) and queries do not make it another page.
    return typeof url === 'string' && isStudioPage(url.split(/[?#]/)[0]!);
  };
  for (const channel of methodChannels) {
    ipcMain.handle(channel, async (event, input): Promise<IpcResult> => {
      if (!fromStudio(event)) {
        log(
          `kws-studio: a call of ${channel} from a frame that is not the studio's page (${event.senderFrame?.url ?? 'gone'}) was refused.`,
        );
        return {
          ok: false,
          err: { code: 'forbidden', message: `${channel} may only be called by the studio's own page.` },
        };
      }
      try {
        return { ok: true, out: await dispatcher.call(channel, input) };
      } catch (error) {
        return { ok: false, err: wireErrorOf(error, channel) };
      }
    });
  }

  /** Per window (webContents id), its subscriptions by the id the window chose. */
  const windows = new Map<number, Map<number, () => void>>();
  const subscriptionsOf = (sender: IpcSenderEvent['sender']): Map<number, () => void> => {
    let subscriptions = windows.get(sender.id);
    if (!subscriptions) {
      const created = new Map<number, () => void>();
      windows.set(sender.id, created);
      // One 'destroyed' listener per window, however many subscriptions it makes.
      sender.once('destroyed', () => {
        for (const unsubscribe of created.values()) unsubscribe();
        windows.delete(sender.id);
      });
      subscriptions = created;
    }
    return subscriptions;
  };

  ipcMain.on(SUBSCRIBE_CHANNEL, (event, id, channel) => {
    if (!fromStudio(event)) {
      log(
        `kws-studio: a subscription from a frame that is not the studio's page (${event.senderFrame?.url ?? 'gone'}) was refused.`,
      );
      return;
    }
    if (!Number.isSafeInteger(id) || typeof channel !== 'string' || !eventChannels.includes(channel)) {
      log(
        `kws-studio: window ${event.sender.id} sent a subscription with ${Number.isSafeInteger(id) ? 'an unknown event channel' : 'no whole-number id'}; ignored.`,
      );
      return;
    }
    const subscriptions = subscriptionsOf(event.sender);
    const key = id as number;
    // A reloaded page starts its ids again: the same id replaces the old subscription instead of doubling it.
    subscriptions.get(key)?.();
    try {
      subscriptions.set(
        key,
        dispatcher.subscribe(channel, (data) => {
          try {
            event.sender.send(EVENT_CHANNEL, key, data);
          } catch (error) {
            log(
              `kws-studio: an event of ${channel} could not be sent to window ${event.sender.id}: ${describeThrown(error)}`,
            );
          }
        }),
      );
    } catch (error) {
      subscriptions.delete(key);
      log(`kws-studio: subscribing window ${event.sender.id} to ${channel} failed: ${describeThrown(error)}`);
    }
  });

  ipcMain.on(UNSUBSCRIBE_CHANNEL, (event, id) => {
    if (!Number.isSafeInteger(id)) return;
    const subscriptions = windows.get(event.sender.id);
    subscriptions?.get(id as number)?.();
    subscriptions?.delete(id as number);
  });
}
