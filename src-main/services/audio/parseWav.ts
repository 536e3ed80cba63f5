import { AUDIO_LIMITS, AudioDecodeError, type DecodedAudio } from './decodedAudio.ts';

const {
  maxDataBytes: MAX_DATA_BYTES,
  maxSeconds: MAX_SECONDS,
  minSampleRate: MIN_RATE,
  maxSampleRate: MAX_RATE,
  maxChannels: MAX_CHANNELS,
} = AUDIO_LIMITS;
/** Size field value that streaming writers leave when they cannot seek back (and RF64's "see ds64"). */
const UNKNOWN_SIZE = 0xffffffff;

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;

/** Names for the format tags people actually meet, so the rejection says what the file is. */
const FORMAT_NAMES: Readonly<Record<number, string>> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0050: 'MPEG audio',
  0x0055: 'MP3',
  0x00ff: 'AAC',
  0x0161: 'WMA',
  0x1610: 'AAC',
  0xf1ac: 'FLAC',
};

/** KSDATAFORMAT_SUBTYPE_* GUIDs share these bytes after the 2-byte format code (and 2 zero bytes). */
const SUBFORMAT_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

interface Region {
  offset: number;
  size: number;
}

interface WavFormat {
  /** 1 (PCM) or 3 (float), after unwrapping WAVE_FORMAT_EXTENSIBLE. */
  tag: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  /** Container size per sample, in bits. */
  containerBits: number;
  /** Meaningful bits (≤ containerBits); what we report as the bit depth. */
  validBits: number;
}

/**
 * Decodes a RIFF/WAVE (or RF64/BW64) file: PCM 1–32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE.
 *
 * Chunks are walked in any order (unknown ones skipped, odd sizes padded); every size field is
 * checked against the bytes actually present before it is used, so a lying header produces an
 * AudioDecodeError, never a huge allocation or an out-of-bounds read. A data size of 0 or
 * 0xFFFFFFFF (left by recorders that stream and never seek back) means "the rest of the file",
 * with a warning; any other data size larger than the file is "truncated".
 *
 * Downmix: `mono` is the arithmetic mean of all channels. Integer PCM is scaled by 2^(bits-1) of its
 * container (8-bit: (v - 128) / 128) into [-1, 1). NaN or infinite float samples are rejected,
 * because one of them poisons every gradient it touches.
 */
export function parseWav(bytes: Uint8Array): DecodedAudio {
  if (bytes.length < 12) throw new AudioDecodeError(`too short to be a WAV file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riff = fourCC(bytes, 0);
  if (riff === 'RIFX')
    throw new AudioDecodeError('big-endian (RIFX) WAV is not supported; convert to ordinary little-endian WAV');
  if ((riff !== 'RIFF' && riff !== 'RF64' && riff !== 'BW64') || fourCC(bytes, 8) !== 'WAVE') {
    throw new AudioDecodeError('not a WAV file (no RIFF/WAVE header)');
  }
  const warnings: string[] = [];
  const { format, data } = findChunks(bytes, view, riff !== 'RIFF', warnings);

  const frameCount = Math.floor(data.size / format.blockAlign);
  const leftover = data.size - frameCount * format.blockAlign;
  if (leftover > 0) warnings.push(`ignored ${leftover} trailing bytes that do not make a whole frame`);
  if (frameCount === 0) throw new AudioDecodeError('contains no audio samples (0 frames)');
  const seconds = frameCount / format.sampleRate;
  checkDuration(seconds);
  const expectedByteRate = format.blockAlign * format.sampleRate;
  if (format.byteRate !== expectedByteRate) {
    warnings.push(`byte-rate field says ${format.byteRate}, the format implies ${expectedByteRate}; ignored`);
  }

  const mono = readMono(bytes, view, data.offset, frameCount, format, warnings);
  return {
    sampleRate: format.sampleRate,
    channels: format.channels,
    bitsPerSample: format.validBits,
    encoding: format.tag === FORMAT_FLOAT ? 'float' : 'pcm',
    numFrames: frameCount,
    durationMs: seconds * 1000,
    mono,
    downmix: 'mean',
    format: 'wav',
    warnings,
  };
}

function findChunks(
  bytes: Uint8Array,
  view: DataView,
  sixtyFour: boolean,
  warnings: string[],
): { format: WavFormat; data: Region } {
  let format: WavFormat | null = null;
  let data: Region | null = null;
  let ds64DataSize: number | null = null;
  let position = 12;
  while (position + 8 <= bytes.length) {
    const id = fourCC(bytes, position);
    const declared = view.getUint32(position + 4, true);
    const body = position + 8;
    const available = bytes.length - body;

    if (id === 'data' && !data) {
      let size = declared;
      let toEnd = false;
      if (declared === UNKNOWN_SIZE && sixtyFour && ds64DataSize !== null) {
        size = ds64DataSize;
      } else if (declared === UNKNOWN_SIZE || (declared === 0 && !isChunkHeader(bytes, view, body))) {
        size = available;
        toEnd = true;
        warnings.push(
          `the data chunk's size field is ${declared === 0 ? '0' : '0xFFFFFFFF'} (as left by a streaming recorder); used the rest of the file, ${available} bytes`,
        );
      }
      if (size > MAX_DATA_BYTES)
        throw new AudioDecodeError(
          `declares ${formatBytes(size)} of audio data (over 2 GiB); the header is probably corrupt`,
        );
      if (format) checkDuration(Math.floor(size / format.blockAlign) / format.sampleRate);
      if (size > available)
        throw new AudioDecodeError(`truncated: the data chunk promises ${size} bytes, the file holds ${available}`);
      data = { offset: body, size };
      if (toEnd) break;
      position = nextChunk(bytes, view, body, size, id, warnings);
      continue;
    }

    if (declared > available) {
      // A damaged chunk after everything we need is a tail to ignore; before that it is fatal.
      if (format && data) {
        warnings.push(
          `ignored a damaged '${printable(id)}' chunk at byte ${position} (claims ${declared} bytes, ${available} remain)`,
        );
        break;
      }
      throw new AudioDecodeError(
        `damaged: chunk '${printable(id)}' at byte ${position} claims ${declared} bytes, only ${available} remain`,
      );
    }
    if (id === 'fmt ') {
      if (format) throw new AudioDecodeError('has two fmt chunks; cannot tell which describes the audio');
      if (declared < 16) throw new AudioDecodeError(`fmt chunk is too short (${declared} bytes, needs at least 16)`);
      format = readFormat(view, { offset: body, size: declared });
    } else if (id === 'ds64' && sixtyFour && declared >= 24) {
      ds64DataSize = readUint64(view, body + 8);
    }
    position = nextChunk(bytes, view, body, declared, id, warnings);
  }
  if (!format) throw new AudioDecodeError('no fmt chunk (the format description is missing)');
  if (!data) throw new AudioDecodeError('no data chunk (the file holds no audio samples)');
  return { format, data };
}

function checkDuration(seconds: number): void {
  if (seconds > MAX_SECONDS)
    throw new AudioDecodeError(
      `declares ${(seconds / 3600).toFixed(1)} h of audio (more than 24 h); the header is probably corrupt`,
    );
}

/** Position of the next chunk header: chunks are padded to an even size, though some writers forget. */
function nextChunk(
  bytes: Uint8Array,
  view: DataView,
  body: number,
  size: number,
  id: string,
  warnings: string[],
): number {
  const padded = body + size + (size & 1);
  if (
    size % 2 === 1 &&
    padded + 8 <= bytes.length &&
    !isChunkHeader(bytes, view, padded) &&
    isChunkHeader(bytes, view, padded - 1)
  ) {
    warnings.push(`chunk '${printable(id)}' has an odd size without the pad byte; read past it anyway`);
    return padded - 1;
  }
  return padded;
}

/** Four printable ASCII characters and a size that fits: what a real chunk header looks like. */
function isChunkHeader(bytes: Uint8Array, view: DataView, position: number): boolean {
  if (position + 8 > bytes.length) return false;
  for (let i = 0; i < 4; i++) {
    const code = bytes[position + i]!;
    if (code < 0x20 || code > 0x7e) return false;
  }
  return view.getUint32(position + 4, true) <= bytes.length - position - 8;
}

function readFormat(view: DataView, fmt: Region): WavFormat {
  const at = fmt.offset;
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const byteRate = view.getUint32(at + 8, true);
  const blockAlign = view.getUint16(at + 12, true);
  const containerBits = view.getUint16(at + 14, true);
  let validBits = containerBits;

  if (tag === FORMAT_EXTENSIBLE) {
    if (fmt.size < 40) throw new AudioDecodeError(`extensible fmt chunk is too short (${fmt.size} bytes, needs 40)`);
    const declaredValid = view.getUint16(at + 18, true);
    if (declaredValid > 0 && declaredValid <= containerBits) validBits = declaredValid;
    for (let i = 0; i < SUBFORMAT_GUID_TAIL.length; i++) {
      if (view.getUint8(at + 26 + i) !== SUBFORMAT_GUID_TAIL[i]) {
        throw new AudioDecodeError('extensible WAV with an unknown subformat GUID is not supported; convert to PCM');
      }
    }
    tag = view.getUint16(at + 24, true);
  }
  if (tag !== FORMAT_PCM && tag !== FORMAT_FLOAT) {
    const name = FORMAT_NAMES[tag];
    const hex = `0x${tag.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new AudioDecodeError(
      `${name ? `${name} (format ${tag})` : `WAV format ${hex}`} is not supported; convert to PCM`,
    );
  }
  if (channels < 1 || channels > MAX_CHANNELS)
    throw new AudioDecodeError(`${channels} channels is not supported (1 to ${MAX_CHANNELS})`);
  if (sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
    throw new AudioDecodeError(`implausible sample rate ${sampleRate} Hz (supported: ${MIN_RATE} to ${MAX_RATE} Hz)`);
  }
  if (tag === FORMAT_FLOAT && containerBits !== 32 && containerBits !== 64) {
    throw new AudioDecodeError(`${containerBits}-bit float WAV is not supported (32 or 64)`);
  }
  if (tag === FORMAT_PCM && (containerBits < 1 || containerBits > 32)) {
    throw new AudioDecodeError(`${containerBits}-bit PCM is not supported (8, 16, 24 or 32)`);
  }
  const expectedAlign = channels * Math.ceil(containerBits / 8);
  if (blockAlign !== expectedAlign) {
    throw new AudioDecodeError(
      `block align ${blockAlign} does not match ${channels} channel${channels === 1 ? '' : 's'} × ${containerBits} bits (expected ${expectedAlign})`,
    );
  }
  return { tag, channels, sampleRate, byteRate, blockAlign, containerBits, validBits };
}

/** A sample reader for one encoding; integer PCM is scaled by its container, where samples are left-justified. */
function sampleReader(bytes: Uint8Array, view: DataView, format: WavFormat): (offset: number) => number {
  if (format.tag === FORMAT_FLOAT) {
    return format.containerBits === 32
      ? (offset) => view.getFloat32(offset, true)
      : (offset) => view.getFloat64(offset, true);
  }
  switch (Math.ceil(format.containerBits / 8)) {
    case 1:
      return (offset) => (bytes[offset]! - 128) / 128;
    case 2:
      return (offset) => view.getInt16(offset, true) / 32768;
    case 3:
      return (offset) =>
        (((bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16)) << 8) >> 8) / 8388608;
    default:
      return (offset) => view.getInt32(offset, true) / 2147483648;
  }
}

function readMono(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  frameCount: number,
  format: WavFormat,
  warnings: string[],
): Float32Array {
  const read = sampleReader(bytes, view, format);
  const { channels, blockAlign } = format;
  const sampleBytes = blockAlign / channels;
  const isFloat = format.tag === FORMAT_FLOAT;
  const mono = new Float32Array(frameCount);
  let peak = 0;
  let offset = start;
  for (let frame = 0; frame < frameCount; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) {
      const value = read(offset + channel * sampleBytes);
      if (isFloat) {
        if (!Number.isFinite(value)) throw new AudioDecodeError('contains NaN or infinite samples');
        const magnitude = Math.abs(value);
        if (magnitude > peak) peak = magnitude;
      }
      sum += value;
    }
    const mean = Math.fround(sum / channels);
    if (!Number.isFinite(mean)) throw new AudioDecodeError('contains float samples beyond the 32-bit float range');
    mono[frame] = mean;
    offset += blockAlign;
  }
  if (peak > 1) warnings.push(`float samples exceed ±1 (peak ${peak.toPrecision(3)}); kept unscaled`);
  return mono;
}

function fourCC(bytes: Uint8Array, position: number): string {
  return String.fromCharCode(bytes[position]!, bytes[position + 1]!, bytes[position + 2]!, bytes[position + 3]!);
}

/** A chunk id safe to show in a message, whatever bytes the file holds there. */
function printable(id: string): string {
  return id.replace(/[^\x20-\x7e]/g, '?');
}

function readUint64(view: DataView, position: number): number {
  return view.getUint32(position, true) + view.getUint32(position + 4, true) * 2 ** 32;
}

function formatBytes(size: number): string {
  return size >= 2 ** 30 ? `${(size / 2 ** 30).toFixed(1)} GiB` : `${size} bytes`;
}
