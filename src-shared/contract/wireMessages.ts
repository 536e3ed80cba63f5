import type { WireError } from './StudioError.ts';

/** Messages of the serve-mode WebSocket protocol (the Electron bridge needs none of this). */
export type ClientMessage =
  | { t: 'call'; id: number; ch: string; in?: unknown }
  | { t: 'sub'; id: number; ch: string }
  | { t: 'unsub'; id: number };

export type ServerMessage =
  | { t: 'result'; id: number; ok: true; out?: unknown }
  | { t: 'result'; id: number; ok: false; err: WireError }
  | { t: 'event'; id: number; data: unknown };
