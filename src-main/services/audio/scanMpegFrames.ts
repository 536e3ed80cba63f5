import { AudioDecodeError } from './decodedAudio.ts';

export interface MpegFrameHeader {
  /** 1, 2 or 2.5 (MPEG-2.5 is the unofficial low-rate extension). */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  sampleRate: number;
  channels: 1 | 2;
  /** Bytes in the whole frame; 0 for free-format streams, whose length the header does not give. */
  frameLength: number;
  samplesPerFrame: number;
}

export interface MpegStreamInfo {
  sampleRate: number;
  channels: 1 | 2;
  /** Audio frames found by walking the stream; null for free-format streams, which cannot be walked. */
  frames: number | null;
  samplesPerFrame: number;
  warnings: string[];
}

// Bit rates in kbit/s by [MPEG-1 ? 0 : 1][layer - 1][index]; index 0 is free format, 15 invalid.
const BITRATES: readonly (readonly (readonly number[])[])[] = [
  [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
];
const SAMPLE_RATES: Readonly<Record<string, readonly number[]>> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
};
/** How far past an ID3 tag we look for the first frame (some taggers leave padding). */
const FIRST_FRAME_SEARCH = 64 * 1024;

/** The MPEG audio frame header at `position`, or null if the bytes there are not one. */
export function readMpegHeader(bytes: Uint8Array, position: number): MpegFrameHeader | null {
  if (position + 4 > bytes.length) return null;
  const b1 = bytes[position + 1]!;
  const b2 = bytes[position + 2]!;
  const b3 = bytes[position + 3]!;
  if (bytes[position] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 15 || rateIndex === 3 || (b3 & 3) === 2) return null;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const sampleRate = SAMPLE_RATES[String(version)]![rateIndex]!;
  const bitrate = BITRATES[version === 1 ? 0 : 1]![layer - 1]![bitrateIndex]! * 1000;
  const padding = (b2 >> 1) & 1;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  let frameLength = 0;
  if (bitrate > 0) {
    frameLength =
      layer === 1
        ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
        : Math.floor(((samplesPerFrame / 8) * bitrate) / sampleRate) + padding;
  }
  return { version, layer, sampleRate, channels: b3 >> 6 === 3 ? 1 : 2, frameLength, samplesPerFrame };
}

/** Length of the ID3v2 tags at `position` (0 if none), from their syncsafe size fields. */
export function id3v2Length(bytes: Uint8Array, position: number): number {
  let end = position;
  while (end + 10 <= bytes.length && bytes[end] === 0x49 && bytes[end + 1] === 0x44 && bytes[end + 2] === 0x33) {
    const size =
      ((bytes[end + 6]! & 0x7f) << 21) |
      ((bytes[end + 7]! & 0x7f) << 14) |
      ((bytes[end + 8]! & 0x7f) << 7) |
      (bytes[end + 9]! & 0x7f);
    const footer = bytes[end + 5]! & 0x10 ? 10 : 0;
    end += 10 + size + footer;
  }
  return Math.min(end, bytes.length) - position;
}

/**
 * Walks the frames of an MP3 (any MPEG-1/2/2.5 layer) to learn what the decoder cannot tell us
 * (mpg123 always outputs two channels) and to catch truncation and damage before decoding: a last
 * frame cut short, bytes between frames that are no frame, or fewer frames than a Xing/Info/VBRI
 * header promises.
 */
export function scanMpegFrames(bytes: Uint8Array): MpegStreamInfo {
  const warnings: string[] = [];
  const end = bytes.length;
  let position = id3v2Length(bytes, 0);
  const first = findFirstFrame(bytes, position);
  if (!first) throw new AudioDecodeError('no MPEG audio frames found');
  position = first.position;
  const header = first.header;
  if (header.frameLength === 0) {
    warnings.push('free-format MP3: frame boundaries not checked');
    return {
      sampleRate: header.sampleRate,
      channels: header.channels,
      frames: null,
      samplesPerFrame: header.samplesPerFrame,
      warnings,
    };
  }

  const declaredFrames = readInfoFrameCount(bytes, position, header);
  // An Info/Xing/VBRI frame carries no audio; the decoder skips it.
  let frames = declaredFrames === null ? 0 : -1;
  while (position < end) {
    const next = readMpegHeader(bytes, position);
    if (
      next &&
      next.version === header.version &&
      next.layer === header.layer &&
      next.sampleRate === header.sampleRate &&
      next.frameLength > 0
    ) {
      if (position + next.frameLength > end) {
        throw new AudioDecodeError(
          `truncated: the last MPEG frame needs ${next.frameLength} bytes, ${end - position} remain`,
        );
      }
      frames++;
      position += next.frameLength;
      continue;
    }
    if (isTrailingTag(bytes, position)) break;
    if (bytes.subarray(position).every((byte) => byte === 0)) {
      warnings.push(`ignored ${end - position} zero bytes after the last frame`);
      break;
    }
    throw new AudioDecodeError(`damaged: byte ${position} of ${end} is not the start of an MPEG frame`);
  }
  if (frames <= 0) throw new AudioDecodeError('contains no MPEG audio frames');
  if (declaredFrames !== null && frames < declaredFrames) {
    throw new AudioDecodeError(`truncated: the header promises ${declaredFrames} frames, the file holds ${frames}`);
  }
  return {
    sampleRate: header.sampleRate,
    channels: header.channels,
    frames,
    samplesPerFrame: header.samplesPerFrame,
    warnings,
  };
}

/** The first header whose successor is also a frame (or the end of the file), so one stray 0xFF is not taken for a frame. */
function findFirstFrame(bytes: Uint8Array, start: number): { position: number; header: MpegFrameHeader } | null {
  const limit = Math.min(bytes.length, start + FIRST_FRAME_SEARCH);
  for (let position = start; position < limit; position++) {
    const header = readMpegHeader(bytes, position);
    if (!header) continue;
    if (header.frameLength === 0) return { position, header };
    const next = position + header.frameLength;
    if (next === bytes.length || readMpegHeader(bytes, next) || isTrailingTag(bytes, next)) return { position, header };
  }
  return null;
}

/** Frame count from a Xing/Info (LAME, FFmpeg) or VBRI (Fraunhofer) header in the first frame, if any. */
function readInfoFrameCount(bytes: Uint8Array, position: number, header: MpegFrameHeader): number | null {
  const sideInfo = header.version === 1 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const xing = position + 4 + sideInfo;
  const frameEnd = position + header.frameLength;
  const tag = ascii(bytes, xing, 4);
  if ((tag === 'Xing' || tag === 'Info') && xing + 12 <= frameEnd) {
    const flags = readUint32BE(bytes, xing + 4);
    return flags & 1 ? readUint32BE(bytes, xing + 8) : null;
  }
  const vbri = position + 36;
  if (ascii(bytes, vbri, 4) === 'VBRI' && vbri + 18 <= frameEnd) return readUint32BE(bytes, vbri + 14);
  return null;
}

/** ID3v1, APE and Lyrics3 tags sit after the last frame. */
function isTrailingTag(bytes: Uint8Array, position: number): boolean {
  return ['TAG', 'APETAGEX', 'LYRICSBEGIN', 'ID3'].some((tag) => ascii(bytes, position, tag.length) === tag);
}

function ascii(bytes: Uint8Array, position: number, length: number): string {
  if (position + length > bytes.length) return '';
  return String.fromCharCode(...bytes.subarray(position, position + length));
}

function readUint32BE(bytes: Uint8Array, position: number): number {
  return (
    ((bytes[position]! << 24) | (bytes[position + 1]! << 16) | (bytes[position + 2]! << 8) | bytes[position + 3]!) >>> 0
  );
}
