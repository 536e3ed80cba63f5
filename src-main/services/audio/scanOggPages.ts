import { AudioDecodeError } from './decodedAudio.ts';

export interface OggStreamInfo {
  codec: 'vorbis' | 'opus';
  /** The codec's output rate: Vorbis' own, always 48 kHz for Opus. */
  sampleRate: number;
  channels: number;
  /** Samples at the output rate the stream holds by its last granule position (pre-skip removed); null if unknown. */
  totalSamples: number | null;
  warnings: string[];
}

const PAGE_HEADER = 27;
const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;

let crcTable: Uint32Array | null = null;

/**
 * Walks and checksums every page of an Ogg file before it reaches a decoder, because the decoders
 * resync silently over damage and would hand back a clip with a hole in it. Also reads the codec,
 * rate and channel count from the identification header, and the length from the last granule
 * position. Rejects truncated pages, bad checksums, several logical streams, and codecs other than
 * Vorbis and Opus.
 */
export function scanOggPages(bytes: Uint8Array): OggStreamInfo {
  const warnings: string[] = [];
  let position = 0;
  let serial: number | null = null;
  let firstPacket: Uint8Array | null = null;
  let lastGranule: number | null = null;
  let ended = false;
  let page = 0;
  while (position < bytes.length) {
    if (ended) {
      warnings.push(`ignored ${bytes.length - position} bytes after the end of the Ogg stream`);
      break;
    }
    if (position + PAGE_HEADER > bytes.length) throw truncated(position, bytes.length);
    if (ascii(bytes, position, 4) !== 'OggS' || bytes[position + 4] !== 0) {
      throw new AudioDecodeError(`damaged: byte ${position} of ${bytes.length} is not the start of an Ogg page`);
    }
    const segments = bytes[position + 26]!;
    const headerLength = PAGE_HEADER + segments;
    if (position + headerLength > bytes.length) throw truncated(position, bytes.length);
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += bytes[position + PAGE_HEADER + i]!;
    const pageLength = headerLength + bodyLength;
    if (position + pageLength > bytes.length) throw truncated(position, bytes.length);
    const pageBytes = bytes.subarray(position, position + pageLength);
    if (oggCrc(pageBytes) !== readUint32LE(pageBytes, 22))
      throw new AudioDecodeError(`damaged: Ogg page ${page} (byte ${position}) fails its checksum`);

    const flags = pageBytes[5]!;
    const pageSerial = readUint32LE(pageBytes, 14);
    if (serial === null) {
      if (!(flags & FLAG_BOS)) throw new AudioDecodeError('damaged: the first Ogg page is not a stream start');
      serial = pageSerial;
      // The identification header is the first packet of the first page; its first segment is enough.
      firstPacket = pageBytes.subarray(headerLength, headerLength + Math.min(bodyLength, 255));
    } else if (pageSerial !== serial) {
      throw new AudioDecodeError(
        'contains several Ogg streams (chained or multiplexed); only a single audio stream is supported',
      );
    }
    const granuleLow = readUint32LE(pageBytes, 6);
    const granuleHigh = readUint32LE(pageBytes, 10);
    // -1 means "no packet ends on this page"; anything past 2^53 is nonsense we treat as unknown.
    if (!(granuleLow === 0xffffffff && granuleHigh === 0xffffffff))
      lastGranule = granuleHigh < 2 ** 21 ? granuleHigh * 2 ** 32 + granuleLow : null;
    if (flags & FLAG_EOS) ended = true;
    position += pageLength;
    page++;
  }
  if (!firstPacket) throw new AudioDecodeError('contains no Ogg pages');
  if (!ended) warnings.push('the Ogg stream has no end-of-stream page; the recording may have been cut short');
  const head = identify(firstPacket);
  const totalSamples = lastGranule === null ? null : Math.max(0, lastGranule - head.preSkip);
  return { codec: head.codec, sampleRate: head.sampleRate, channels: head.channels, totalSamples, warnings };
}

function identify(packet: Uint8Array): {
  codec: 'vorbis' | 'opus';
  sampleRate: number;
  channels: number;
  preSkip: number;
} {
  if (packet.length >= 16 && packet[0] === 1 && ascii(packet, 1, 6) === 'vorbis') {
    return { codec: 'vorbis', channels: packet[11]!, sampleRate: readUint32LE(packet, 12), preSkip: 0 };
  }
  if (packet.length >= 19 && ascii(packet, 0, 8) === 'OpusHead') {
    return { codec: 'opus', channels: packet[9]!, sampleRate: 48000, preSkip: packet[10]! | (packet[11]! << 8) };
  }
  const known: [string, string][] = [
    ['\x7fFLAC', 'Ogg FLAC'],
    ['Speex   ', 'Speex'],
    ['\x80theora', 'Theora video'],
    ['fishead', 'Ogg Skeleton'],
  ];
  const name = known.find(([magic]) => ascii(packet, 0, magic.length) === magic)?.[1];
  throw new AudioDecodeError(`${name ?? 'this Ogg codec'} is not supported; use Ogg Vorbis or Opus`);
}

function truncated(position: number, length: number): AudioDecodeError {
  return new AudioDecodeError(
    `truncated: the Ogg page at byte ${position} is cut off at the end of the file (${length} bytes)`,
  );
}

/** Ogg's CRC-32: polynomial 0x04C11DB7, MSB first, no reflection, initial 0, with the checksum field read as zero. */
function oggCrc(page: Uint8Array): number {
  const table = getCrcTable();
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : page[i]!;
    crc = ((crc << 8) ^ table[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc;
}

function getCrcTable(): Uint32Array {
  if (crcTable) return crcTable;
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  crcTable = table;
  return table;
}

function ascii(bytes: Uint8Array, position: number, length: number): string {
  if (position + length > bytes.length) return '';
  return String.fromCharCode(...bytes.subarray(position, position + length));
}

function readUint32LE(bytes: Uint8Array, position: number): number {
  return (
    (bytes[position]! | (bytes[position + 1]! << 8) | (bytes[position + 2]! << 16) | (bytes[position + 3]! << 24)) >>> 0
  );
}
