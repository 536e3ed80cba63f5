import type { ClientMessage } from '../../src-shared/contract/wireMessages.ts';

/** Channel names are `service.member`; anything longer is not one and is not echoed back whole. */
const MAX_CHANNEL_LENGTH = 200;

export type ParsedClientMessage =
  | { ok: true; message: ClientMessage }
  /** `id` is set when the message carried a usable one, so the problem can be answered to it. */
  | { ok: false; problem: string; id?: number };

/**
 * Checks the envelope of a decoded WebSocket message (`t`, `id`, `ch`) before anything acts on it.
 * The input itself (`in`) is the dispatcher's to validate against the channel's schema.
 */
export function parseClientMessage(value: unknown): ParsedClientMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    return { ok: false, problem: `expected an object with "t" and "id", got ${kindOf(value)}` };
  }
  const record = value as Record<string, unknown>;
  const t = Object.hasOwn(record, 't') ? record.t : undefined;
  const rawId = Object.hasOwn(record, 'id') ? record.id : undefined;
  if (!Number.isSafeInteger(rawId)) {
    return { ok: false, problem: `"id" must be a whole number, got ${kindOf(rawId)}` };
  }
  const id = rawId as number;
  if (t !== 'call' && t !== 'sub' && t !== 'unsub') {
    return { ok: false, id, problem: `"t" must be "call", "sub" or "unsub", got ${kindOf(t)}` };
  }
  if (t === 'unsub') return { ok: true, message: { t, id } };
  const ch = Object.hasOwn(record, 'ch') ? record.ch : undefined;
  if (typeof ch !== 'string' || ch.length === 0 || ch.length > MAX_CHANNEL_LENGTH) {
    return { ok: false, id, problem: `"ch" must be a channel name, got ${kindOf(ch)}` };
  }
  if (t === 'sub') return { ok: true, message: { t, id, ch } };
  return { ok: true, message: { t, id, ch, in: Object.hasOwn(record, 'in') ? record.in : undefined } };
}

/** A short description of a value for an error message, never the value itself at length. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return 'a typed array';
  switch (typeof value) {
    case 'undefined':
      return 'nothing';
    case 'string':
      return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
    case 'number':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
