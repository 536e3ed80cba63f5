import type { ClientTransport } from '../../../src-shared/contract/createClient.ts';
import { fromWireError } from '../../../src-shared/contract/StudioError.ts';
import { decodeWire, encodeWire } from '../../../src-shared/contract/wireCodec.ts';
import type { ClientMessage, ServerMessage } from '../../../src-shared/contract/wireMessages.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Serve-mode transport: one WebSocket to the page's own origin (the token travels in the
 * HttpOnly cookie). Reconnects with back-off and re-subscribes, so a server restart heals.
 */
export function createWebSocketTransport(
  url: string,
  onConnectionChange: (connected: boolean) => void,
): ClientTransport {
  let socket: WebSocket | undefined;
  let nextId = 1;
  let ready: Promise<WebSocket> | undefined;
  let retryMs = 250;
  const pending = new Map<number, Pending>();
  const subscriptions = new Map<number, { channel: string; listener: (value: unknown) => void }>();

  const send = (message: ClientMessage) => socket?.send(encodeWire(message));

  const connect = (): Promise<WebSocket> => {
    ready ??= new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        socket = ws;
        retryMs = 250;
        onConnectionChange(true);
        for (const [id, { channel }] of subscriptions) send({ t: 'sub', id, ch: channel });
        resolve(ws);
      };
      ws.onmessage = (event) => {
        const message = decodeWire(String(event.data)) as ServerMessage;
        if (message.t === 'event') subscriptions.get(message.id)?.listener(message.data);
        else {
          const waiting = pending.get(message.id);
          pending.delete(message.id);
          if (message.ok) waiting?.resolve(message.out);
          else waiting?.reject(fromWireError(message.err));
        }
      };
      ws.onclose = () => {
        const wasOpen = socket === ws;
        socket = undefined;
        ready = undefined;
        for (const waiting of pending.values()) waiting.reject(new Error('The connection to the studio was lost.'));
        pending.clear();
        onConnectionChange(false);
        if (!wasOpen) reject(new Error('Cannot connect to the studio server.'));
        setTimeout(() => void connect().catch(() => undefined), retryMs);
        retryMs = Math.min(retryMs * 2, 5000);
      };
    });
    return ready;
  };

  return {
    async invoke(channel, input) {
      await connect();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ t: 'call', id, ch: channel, in: input });
      });
    },
    subscribe(channel, listener) {
      const id = nextId++;
      subscriptions.set(id, { channel, listener });
      if (socket) send({ t: 'sub', id, ch: channel });
      else void connect().catch(() => undefined);
      return () => {
        subscriptions.delete(id);
        send({ t: 'unsub', id });
      };
    },
  };
}
