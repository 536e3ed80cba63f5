import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import { AudioDecodeError, decodeAudio, isSupportedAudioName } from '../../src-main/services/audio/decodeAudio.ts';
import { toProjectRate } from '../../src-main/services/audio/toProjectRate.ts';
import { buildWav, sine } from '../support/buildWav.ts';
import { dominantFrequency } from '../support/dominantFrequency.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/audio');
const read = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(fixtures, name)));

/** The committed 0.5 s, 16 kHz, 440 Hz tones (see test/fixtures/audio/README.md) and what each decodes to. */
const FIXTURES = [
  { file: 'tone440.flac', sampleRate: 16000, bitsPerSample: 16, encoding: 'pcm' },
  { file: 'tone440.mp3', sampleRate: 16000, bitsPerSample: 0, encoding: 'float' },
  { file: 'tone440.ogg', sampleRate: 16000, bitsPerSample: 0, encoding: 'float' },
  { file: 'tone440.opus', sampleRate: 48000, bitsPerSample: 0, encoding: 'float' },
] as const;

async function rejection(bytes: Uint8Array, name: string): Promise<AudioDecodeError> {
  try {
    await decodeAudio(bytes, name);
  } catch (error) {
    expect(error).toBeInstanceOf(AudioDecodeError);
    return error as AudioDecodeError;
  }
  throw new Error(`${name}: expected an AudioDecodeError, but it decoded`);
}

// mpg123 reports stream errors on stderr as well as in its result; keep test output readable.
let quietMpg123: ReturnType<typeof vi.spyOn> | undefined;
beforeAll(() => {
  const original = console.error;
  quietMpg123 = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && /^(mpg123-decoder|@wasm-audio-decoders)/.test(args[0])) return;
    original(...args);
  });
});
afterAll(() => quietMpg123?.mockRestore());

describe('decodeAudio: compressed fixtures', () => {
  it.each(FIXTURES)('$file: 0.5 s of 440 Hz, mono', async ({ file, sampleRate, bitsPerSample, encoding }) => {
    const bytes = read(file);
    expect(bytes.length).toBeLessThan(20_000);
    const audio = await decodeAudio(bytes, file);
    expect(audio).toMatchObject({
      format: file.endsWith('.flac') ? 'flac' : file.endsWith('.mp3') ? 'mp3' : 'ogg',
      sampleRate,
      channels: 1,
      bitsPerSample,
      encoding,
      downmix: 'mean',
      warnings: [],
    });
    expect(audio.mono.length).toBe(audio.numFrames);
    // MP3 carries encoder delay and padding; gapless decoding should remove them, but allow a frame's slack.
    expect(Math.abs(audio.durationMs - 500)).toBeLessThanOrEqual(30);
    const mono = toProjectRate(audio, 16000);
    expect(Math.abs(mono.length - 8000)).toBeLessThanOrEqual(480);
    expect(Math.abs(dominantFrequency(mono, 16000, 300, 600, 400) - 440)).toBeLessThanOrEqual(10);
    let peak = 0;
    for (const value of audio.mono) peak = Math.max(peak, Math.abs(value));
    expect(peak).toBeGreaterThan(0.4);
    expect(peak).toBeLessThan(0.7);
  });

  it.each(FIXTURES)('$file: truncated copies are rejected as truncated', async ({ file }) => {
    const bytes = read(file);
    for (const fraction of [0.3, 0.6, 0.95]) {
      const error = await rejection(bytes.subarray(0, Math.floor(bytes.length * fraction)), file);
      expect(error.message).toMatch(/truncated/);
    }
  });

  it.each(FIXTURES)('$file: a damaged middle is rejected', async ({ file }) => {
    const bytes = read(file).slice();
    // 300 zero bytes: longer than any frame or page here, so a header or checksum is always hit.
    bytes.fill(0, Math.floor(bytes.length / 2) - 150, Math.floor(bytes.length / 2) + 150);
    const error = await rejection(bytes, file);
    expect(error.message).toMatch(/damaged|truncated|decoder/);
  });

  it('survives random damage to every fixture with AudioDecodeError or well-formed audio', async () => {
    const random = createRandom(7);
    let accepted = 0;
    let rejected = 0;
    let wrapped = 0;
    for (const { file } of FIXTURES) {
      const original = read(file);
      for (let n = 0; n < 150; n++) {
        let bytes = original.slice();
        const kind = n % 3;
        if (kind === 0) bytes = bytes.subarray(0, random.int(0, bytes.length - 1));
        else if (kind === 1)
          for (let i = random.int(1, 16); i > 0; i--) bytes[random.int(0, bytes.length - 1)] = random.int(0, 255);
        else {
          const start = random.int(0, bytes.length - 1);
          bytes.fill(random.int(0, 255), start, random.int(start + 1, bytes.length));
        }
        try {
          const audio = await decodeAudio(bytes, file);
          expect(audio.numFrames).toBeGreaterThan(0);
          expect(audio.mono.length).toBe(audio.numFrames);
          expect(audio.mono.every(Number.isFinite)).toBe(true);
          accepted++;
        } catch (error) {
          expect(error).toBeInstanceOf(AudioDecodeError);
          rejected++;
          if ((error as Error).message.startsWith('could not decode:')) wrapped++;
        }
      }
    }
    console.log(
      `compressed fuzz: ${accepted + rejected} damaged files, ${accepted} decoded, ${rejected} rejected (${wrapped} of them decoder exceptions we wrapped)`,
    );
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('decodeAudio: sniffing by content', () => {
  it('decodes a WAV through the WAV parser', async () => {
    const audio = await decodeAudio(buildWav({ channels: [sine(440, 16000, 1600)], bitsPerSample: 16 }), 'tone.wav');
    expect(audio).toMatchObject({ format: 'wav', sampleRate: 16000, numFrames: 1600, warnings: [] });
  });

  it('trusts the bytes over the extension, and says so', async () => {
    const audio = await decodeAudio(read('tone440.mp3'), 'mislabelled.wav');
    expect(audio.format).toBe('mp3');
    expect(audio.warnings).toEqual(['named like WAV but the content is MP3; decoded as MP3']);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['empty', new Uint8Array(0), /^empty file \(0 bytes\)$/],
    [
      'JSON',
      new TextEncoder().encode('  {"label": "yes"}\n'),
      /^not an audio file \(the first bytes look like JSON\)$/,
    ],
    ['text', new TextEncoder().encode('speaker,label\nalice,yes\n'), /look like text \("speaker,label alice,yes"\)/],
    ['PNG', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /look like a PNG image/],
    ['ZIP', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]), /look like a ZIP archive/],
    [
      'binary',
      Uint8Array.from([0, 1, 2, 3, 250, 251, 252, 253]),
      /unrecognised binary data \(00 01 02 03 fa fb fc fd\)/,
    ],
    ['AIFF', new TextEncoder().encode('FORM\0\0\0\x20AIFFCOMM'), /AIFF audio is not supported/],
    [
      'M4A',
      Uint8Array.from([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41, 0x20]),
      /MP4\/M4A audio is not supported/,
    ],
    ['AAC', Uint8Array.from([0xff, 0xf1, 0x50, 0x80, 0, 0, 0]), /AAC \(ADTS\) audio is not supported/],
  ])('rejects %s with a reason', async (_name, bytes, reason) => {
    expect((await rejection(bytes, 'clip.wav')).message).toMatch(reason);
  });

  it('isSupportedAudioName picks candidate files by extension, case-insensitively', () => {
    for (const name of ['a.wav', 'b.WAVE', 'c.flac', 'd.Mp3', 'e.ogg', 'f.oga', 'g.opus', 'dir.x/h.wav'])
      expect(isSupportedAudioName(name)).toBe(true);
    for (const name of ['a.txt', 'b.m4a', 'wav', 'c.wav.bak', '.DS_Store', 'd.aiff'])
      expect(isSupportedAudioName(name)).toBe(false);
  });
});
