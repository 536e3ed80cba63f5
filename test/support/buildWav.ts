/**
 * Byte-level WAV writer for tests: each piece (fmt, chunk, RIFF wrapper) can be built on its own
 * and bent out of shape — wrong sizes, odd chunks, extra chunks in any order — which no library
 * writer allows. Independent of the parser it tests.
 */

export interface FmtFields {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Defaults to channels × bytes per sample. */
  blockAlign?: number;
  /** Defaults to blockAlign × sampleRate. */
  byteRate?: number;
  /** Writes a 40-byte WAVE_FORMAT_EXTENSIBLE fmt (formatTag should then be 0xFFFE). */
  extensible?: { subformat: number; validBits?: number; channelMask?: number; guidTail?: readonly number[] };
}

export interface BuildWavOptions {
  sampleRate?: number;
  /** One array per channel, all the same length, values in [-1, 1] (float may exceed it). */
  channels: readonly (readonly number[])[];
  bitsPerSample: number;
  encoding?: 'pcm' | 'float';
  extensible?: boolean;
  /** Chunks placed before fmt, between fmt and data, and after data. */
  before?: readonly Uint8Array[];
  between?: readonly Uint8Array[];
  after?: readonly Uint8Array[];
  /** Overrides the data chunk's size field. */
  dataSize?: number;
}

export const KSDATAFORMAT_GUID_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
] as const;

/** A chunk: id, size field (the real size unless told otherwise), body, and a pad byte if the body is odd. */
export function chunk(id: string, body: Uint8Array, declaredSize: number = body.length, pad = true): Uint8Array {
  const out = new Uint8Array(8 + body.length + (pad ? body.length % 2 : 0));
  writeAscii(out, 0, id);
  new DataView(out.buffer).setUint32(4, declaredSize >>> 0, true);
  out.set(body, 8);
  return out;
}

export function fmtChunk(fields: FmtFields): Uint8Array {
  const bytesPerSample = Math.ceil(fields.bitsPerSample / 8);
  const blockAlign = fields.blockAlign ?? fields.channels * bytesPerSample;
  const body = new Uint8Array(fields.extensible ? 40 : 16);
  const view = new DataView(body.buffer);
  view.setUint16(0, fields.formatTag, true);
  view.setUint16(2, fields.channels, true);
  view.setUint32(4, fields.sampleRate, true);
  view.setUint32(8, fields.byteRate ?? blockAlign * fields.sampleRate, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, fields.bitsPerSample, true);
  if (fields.extensible) {
    view.setUint16(16, 22, true);
    view.setUint16(18, fields.extensible.validBits ?? fields.bitsPerSample, true);
    view.setUint32(20, fields.extensible.channelMask ?? 0, true);
    view.setUint16(24, fields.extensible.subformat, true);
    body.set(fields.extensible.guidTail ?? KSDATAFORMAT_GUID_TAIL, 26);
  }
  return chunk('fmt ', body);
}

/** Interleaves and encodes samples: integer PCM rounds v × 2^(bits-1) (8-bit adds 128), float writes as is. */
export function encodeSamples(
  channels: readonly (readonly number[])[],
  bitsPerSample: number,
  encoding: 'pcm' | 'float' = 'pcm',
): Uint8Array {
  const frames = channels[0]?.length ?? 0;
  const bytesPerSample = Math.ceil(bitsPerSample / 8);
  const out = new Uint8Array(frames * channels.length * bytesPerSample);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (let frame = 0; frame < frames; frame++) {
    for (const channel of channels) {
      const value = channel[frame]!;
      if (encoding === 'float') {
        if (bitsPerSample === 32) view.setFloat32(offset, value, true);
        else view.setFloat64(offset, value, true);
      } else {
        const scale = 2 ** (bytesPerSample * 8 - 1);
        const integer = Math.max(-scale, Math.min(scale - 1, Math.round(value * scale)));
        if (bytesPerSample === 1) view.setUint8(offset, integer + 128);
        else if (bytesPerSample === 2) view.setInt16(offset, integer, true);
        else if (bytesPerSample === 3) {
          view.setUint8(offset, integer & 0xff);
          view.setUint8(offset + 1, (integer >> 8) & 0xff);
          view.setUint8(offset + 2, (integer >> 16) & 0xff);
        } else view.setInt32(offset, integer, true);
      }
      offset += bytesPerSample;
    }
  }
  return out;
}

/** RIFF header ('RIFF', 'RF64', …), its size field and 'WAVE', then the chunks as given. */
export function riffFile(chunks: readonly Uint8Array[], riffId = 'RIFF', riffSize?: number): Uint8Array {
  const length = chunks.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(12 + length);
  writeAscii(out, 0, riffId);
  new DataView(out.buffer).setUint32(4, (riffSize ?? 4 + length) >>> 0, true);
  writeAscii(out, 8, 'WAVE');
  let offset = 12;
  for (const part of chunks) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A complete WAV with the given samples and optional extra chunks around fmt and data. */
export function buildWav(options: BuildWavOptions): Uint8Array {
  const encoding = options.encoding ?? 'pcm';
  const tag = encoding === 'float' ? 3 : 1;
  const fmt = fmtChunk({
    formatTag: options.extensible ? 0xfffe : tag,
    channels: options.channels.length,
    sampleRate: options.sampleRate ?? 16000,
    bitsPerSample: options.bitsPerSample,
    extensible: options.extensible ? { subformat: tag } : undefined,
  });
  const samples = encodeSamples(options.channels, options.bitsPerSample, encoding);
  const data = chunk('data', samples, options.dataSize ?? samples.length);
  return riffFile([...(options.before ?? []), fmt, ...(options.between ?? []), data, ...(options.after ?? [])]);
}

/** A mono sine, handy as a valid seed. */
export function sine(frequency: number, sampleRate: number, frames: number, amplitude = 0.5): number[] {
  return Array.from({ length: frames }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
}

function writeAscii(target: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
}
