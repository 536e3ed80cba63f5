import { AudioDecodeError } from './decodedAudio.ts';

export interface FlacStreamInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel the encoder wrote; 0 when it did not know (a stream encoded on the fly). */
  totalSamples: number;
}

/**
 * Reads the STREAMINFO block that must follow the `fLaC` marker at `start`. Its sample count is what
 * lets us call a FLAC file truncated: the decoder itself just stops at the last whole frame.
 */
export function readFlacStreamInfo(bytes: Uint8Array, start: number): FlacStreamInfo {
  const info = start + 8;
  if (info + 18 > bytes.length)
    throw new AudioDecodeError(`truncated: the FLAC header is cut off (${bytes.length} bytes)`);
  const blockType = bytes[start + 4]! & 0x7f;
  const blockLength = (bytes[start + 5]! << 16) | (bytes[start + 6]! << 8) | bytes[start + 7]!;
  if (blockType !== 0 || blockLength !== 34)
    throw new AudioDecodeError('damaged: the FLAC stream does not start with a STREAMINFO block');
  const b = (offset: number): number => bytes[info + offset]!;
  const sampleRate = (b(10) << 12) | (b(11) << 4) | (b(12) >> 4);
  const channels = ((b(12) >> 1) & 7) + 1;
  const bitsPerSample = (((b(12) & 1) << 4) | (b(13) >> 4)) + 1;
  const totalSamples = (b(13) & 0x0f) * 2 ** 32 + (((b(14) << 24) | (b(15) << 16) | (b(16) << 8) | b(17)) >>> 0);
  return { sampleRate, channels, bitsPerSample, totalSamples };
}
