import { toWireError, type WireError } from '../../src-shared/contract/StudioError.ts';

/**
 * `toWireError` that cannot fail: a service may throw anything (undefined, a symbol, an object
 * without a prototype whose `String()` throws), and the caller must still get an error back.
 */
export function wireErrorOf(error: unknown, channel: string): WireError {
  try {
    const wire = toWireError(error);
    if (typeof wire.message === 'string' && wire.message !== '') return wire;
    return { code: wire.code, message: `${channel} failed without a message.` };
  } catch {
    return { code: 'internal', message: `${channel} failed with a value that cannot be described.` };
  }
}
