import type { RawData, WebSocket } from 'ws';
import { eventChannels, methodChannels } from '../../src-shared/contract/channels.ts';
import type { Dispatcher } from '../../src-shared/contract/dispatch.ts';
import { decodeWire, encodeWire } from '../../src-shared/contract/wireCodec.ts';
import type { ServerMessage } from '../../src-shared/contract/wireMessages.ts';
import { describeThrown, type HostLog } from './hostLog.ts';
import { parseClientMessage } from './parseClientMessage.ts';
import { wireErrorOf } from './wireErrorOf.ts';

/** One page subscribes to a handful of event channels; thousands is a runaway client. */
const MAX_SUBSCRIPTIONS = 1000;

/** WebSocket close codes (RFC 6455 §7.4.1). */
const CLOSE = { unsupportedData: 1003, policyViolation: 1008, internalError: 1011 } as const;

/**
 * The serve-mode protocol on one WebSocket. Every message is checked before it reaches the
 * dispatcher: a malformed one is answered with an error result when it carries a usable id, and
 * closes the connection otherwise. Nothing a client sends can throw out of a listener.
 */
export function serveSocket(ws: WebSocket, dispatcher: Dispatcher, log: HostLog): void {
  const subscriptions = new Map<number, () => void>();

  const send = (message: ServerMessage): void => {
    if (ws.readyState !== ws.OPEN) return;
    let text: string;
    try {
      text = encodeWire(message);
    } catch (error) {
      // A result that cannot be encoded (a BigInt, a cycle) still answers its call, as an error.
      if (message.t !== 'result') {
        log(
          `kws-studio serve: an event for subscription ${message.id} could not be encoded and was dropped: ${describeThrown(error)}`,
        );
        return;
      }
      text = encodeWire({
        t: 'result',
        id: message.id,
        ok: false,
        err: { code: 'internal', message: 'The result could not be encoded for the WebSocket.' },
      });
    }
    ws.send(text);
  };

  const fail = (id: number, code: 'invalid_input' | 'unknown_channel', message: string) =>
    send({ t: 'result', id, ok: false, err: { code, message } });

  const onMessage = async (raw: RawData, isBinary: boolean): Promise<void> => {
    if (isBinary) {
      ws.close(CLOSE.unsupportedData, 'binary messages are not part of the protocol');
      return;
    }
    let decoded: unknown;
    try {
      decoded = decodeWire(rawText(raw));
    } catch {
      ws.close(CLOSE.unsupportedData, 'malformed message: not JSON');
      return;
    }
    const parsed = parseClientMessage(decoded);
    if (!parsed.ok) {
      if (parsed.id === undefined)
        ws.close(CLOSE.policyViolation, `malformed message: ${parsed.problem}`.slice(0, 120));
      else fail(parsed.id, 'invalid_input', `Malformed message: ${parsed.problem}.`);
      return;
    }
    const message = parsed.message;
    if (message.t === 'call') {
      if (!methodChannels.includes(message.ch)) {
        fail(message.id, 'unknown_channel', `Unknown channel ${JSON.stringify(message.ch)}.`);
        return;
      }
      try {
        send({ t: 'result', id: message.id, ok: true, out: await dispatcher.call(message.ch, message.in) });
      } catch (error) {
        send({ t: 'result', id: message.id, ok: false, err: wireErrorOf(error, message.ch) });
      }
    } else if (message.t === 'sub') {
      if (!eventChannels.includes(message.ch)) {
        fail(message.id, 'unknown_channel', `Unknown event channel ${JSON.stringify(message.ch)}.`);
      } else if (subscriptions.has(message.id)) {
        fail(message.id, 'invalid_input', `Subscription ${message.id} already exists; use a new id.`);
      } else if (subscriptions.size >= MAX_SUBSCRIPTIONS) {
        fail(message.id, 'invalid_input', `A connection may hold at most ${MAX_SUBSCRIPTIONS} subscriptions.`);
      } else {
        try {
          subscriptions.set(
            message.id,
            dispatcher.subscribe(message.ch, (data) => send({ t: 'event', id: message.id, data })),
          );
          send({ t: 'result', id: message.id, ok: true });
        } catch (error) {
          send({ t: 'result', id: message.id, ok: false, err: wireErrorOf(error, message.ch) });
        }
      }
    } else {
      subscriptions.get(message.id)?.();
      subscriptions.delete(message.id);
    }
  };

  ws.on('message', (raw, isBinary) => {
    onMessage(raw, isBinary).catch((error: unknown) => {
      log(`kws-studio serve: a WebSocket message could not be handled: ${describeThrown(error)}`);
      ws.close(CLOSE.internalError, 'internal error');
    });
  });
  // Invalid frames (bad opcodes, reserved bits, broken UTF-8, oversized messages): ws has already
  // closed the connection with the right code; without this listener the error would end the process.
  ws.on('error', (error) => log(`kws-studio serve: WebSocket closed after a protocol error: ${error.message}`));
  ws.on('close', () => {
    for (const unsubscribe of subscriptions.values()) {
      try {
        unsubscribe();
      } catch (error) {
        log(`kws-studio serve: an unsubscribe failed: ${describeThrown(error)}`);
      }
    }
    subscriptions.clear();
  });
}

function rawText(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
  return raw.toString('utf8');
}
