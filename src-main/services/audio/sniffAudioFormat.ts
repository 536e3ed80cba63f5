import { AudioDecodeError, type AudioFormat } from './decodedAudio.ts';
import { id3v2Length, readMpegHeader } from './scanMpegFrames.ts';

export interface SniffedFormat {
  format: AudioFormat;
  /** Where the format's own data starts: past a leading ID3v2 tag for FLAC, else 0. */
  start: number;
}

/** Audio formats we recognise but do not decode, so the message can name them. */
const UNSUPPORTED_AUDIO: readonly { magic: string; at?: number; name: string }[] = [
  { magic: 'FORM', name: 'AIFF' },
  { magic: 'ftyp', at: 4, name: 'MP4/M4A' },
  { magic: '\x1aE\xdf\xa3', name: 'WebM/Matroska' },
  { magic: '#!AMR', name: 'AMR' },
  { magic: '.snd', name: 'Sun AU' },
  { magic: 'caff', name: 'Core Audio (CAF)' },
  { magic: 'wvpk', name: 'WavPack' },
  { magic: 'MAC ', name: "Monkey's Audio" },
];

/** Common non-audio files, to tell the user what they actually dropped in. */
const OTHER_FILES: readonly { magic: string; at?: number; name: string }[] = [
  { magic: '\x89PNG', name: 'a PNG image' },
  { magic: '\xff\xd8\xff', name: 'a JPEG image' },
  { magic: 'GIF8', name: 'a GIF image' },
  { magic: '%PDF', name: 'a PDF document' },
  { magic: 'PK\x03\x04', name: 'a ZIP archive' },
  { magic: '\x1f\x8b', name: 'a gzip archive' },
  { magic: '7z\xbc\xaf', name: 'a 7-Zip archive' },
  { magic: 'ustar', at: 257, name: 'a tar archive' },
  { magic: '\x7fELF', name: 'a program (ELF)' },
  { magic: 'MZ', name: 'a Windows program' },
  { magic: 'SQLite format 3\0', name: 'an SQLite database' },
];

/**
 * Identifies an audio file by its first bytes, never by its name: datasets are full of `.wav` files
 * that are really MP3, and of `.wav` files that are not audio at all.
 */
export function sniffAudioFormat(bytes: Uint8Array): SniffedFormat {
  if (bytes.length === 0) throw new AudioDecodeError('empty file (0 bytes)');
  const head = ascii(bytes, 0, 4);
  if (head === 'RIFF' || head === 'RF64' || head === 'BW64' || head === 'RIFX') return { format: 'wav', start: 0 };
  if (head === 'fLaC') return { format: 'flac', start: 0 };
  if (head === 'OggS') return { format: 'ogg', start: 0 };
  if (head.startsWith('ID3')) {
    // ID3 tags front MP3s mostly, but some taggers put them before FLAC too.
    const start = id3v2Length(bytes, 0);
    return ascii(bytes, start, 4) === 'fLaC' ? { format: 'flac', start } : { format: 'mp3', start: 0 };
  }
  if (readMpegHeader(bytes, 0)) return { format: 'mp3', start: 0 };
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xf6) === 0xf0) {
    throw new AudioDecodeError('AAC (ADTS) audio is not supported; convert to WAV, FLAC, MP3 or Ogg');
  }
  const unsupported = UNSUPPORTED_AUDIO.find(({ magic, at = 0 }) => ascii(bytes, at, magic.length) === magic);
  if (unsupported)
    throw new AudioDecodeError(`${unsupported.name} audio is not supported; convert to WAV, FLAC, MP3 or Ogg`);
  throw new AudioDecodeError(`not an audio file (the first bytes look like ${describe(bytes)})`);
}

function describe(bytes: Uint8Array): string {
  const known = OTHER_FILES.find(({ magic, at = 0 }) => ascii(bytes, at, magic.length) === magic);
  if (known) return known.name;
  const text = asText(bytes.subarray(0, 512));
  if (text !== null) {
    const first = text.trimStart()[0];
    if (first === '{' || first === '[') return 'JSON';
    if (first === '<') return 'HTML or XML';
    return `text ("${text.trim().slice(0, 24).replace(/\s+/g, ' ')}")`;
  }
  const hex = Array.from(bytes.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  return `unrecognised binary data (${hex})`;
}

/** The bytes as text if they are UTF-8 without control characters (tabs and line breaks aside), else null. */
function asText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    // stream: true so a character cut at the 512-byte boundary is not an error.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return null;
  }
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c) || code === 0x7f) return null;
  }
  return text.slice(start);
}

/** Latin-1 view of a byte range ('' past the end), so magic numbers above 0x7F compare as written. */
function ascii(bytes: Uint8Array, position: number, length: number): string {
  if (position + length > bytes.length) return '';
  return String.fromCharCode(...bytes.subarray(position, position + length));
}
