import type { DecodedAudio } from './decodedAudio.ts';
import { parseWav } from './parseWav.ts';

export { AudioDecodeError, type DecodedAudio } from './decodedAudio.ts';

/** Synchronous WAV-only decoding, kept for callers that have not moved to decodeAudio yet. */
export function decodeWav(bytes: Uint8Array): DecodedAudio {
  return parseWav(bytes);
}
