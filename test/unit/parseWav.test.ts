import { describe, expect, it } from 'vitest';
import { AudioDecodeError } from '../../src-main/services/audio/decodedAudio.ts';
import { parseWav } from '../../src-main/services/audio/parseWav.ts';
import { buildWav, chunk, encodeSamples, fmtChunk, riffFile, KSDATAFORMAT_GUID_TAIL } from '../support/buildWav.ts';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

function expectSamples(actual: Float32Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, 6));
}

function rejection(bytes: Uint8Array): string {
  try {
    parseWav(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(AudioDecodeError);
    return (error as Error).message;
  }
  throw new Error('expected an AudioDecodeError, but the file decoded');
}

describe('parseWav: encodings', () => {
  it('8-bit unsigned PCM: (v − 128) / 128', () => {
    const bytes = riffFile([
      fmtChunk({ formatTag: 1, channels: 1, sampleRate: 8000, bitsPerSample: 8 }),
      chunk('data', Uint8Array.of(128, 192, 64, 0, 255)),
    ]);
    const audio = parseWav(bytes);
    expect(audio).toMatchObject({
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 8,
      encoding: 'pcm',
      numFrames: 5,
      format: 'wav',
      warnings: [],
    });
    expectSamples(audio.mono, [0, 0.5, -0.5, -1, 127 / 128]);
  });

  it.each([16, 24, 32])('%i-bit signed PCM scales by 2^(bits-1)', (bits) => {
    const top = (2 ** (bits - 1) - 1) / 2 ** (bits - 1);
    const audio = parseWav(buildWav({ channels: [[0, 0.5, -1, top, -0.25]], bitsPerSample: bits }));
    expect(audio).toMatchObject({ bitsPerSample: bits, encoding: 'pcm', numFrames: 5, sampleRate: 16000 });
    expectSamples(audio.mono, [0, 0.5, -1, top, -0.25]);
    expect(audio.durationMs).toBeCloseTo((5 / 16000) * 1000, 9);
  });

  it.each([32, 64])('%i-bit IEEE float, with a warning when samples exceed ±1', (bits) => {
    const audio = parseWav(buildWav({ channels: [[0, 0.125, -0.75, 1.5]], bitsPerSample: bits, encoding: 'float' }));
    expect(audio).toMatchObject({ bitsPerSample: bits, encoding: 'float', numFrames: 4 });
    expectSamples(audio.mono, [0, 0.125, -0.75, 1.5]);
    expect(audio.warnings.join()).toMatch(/exceed ±1/);
  });

  it('WAVE_FORMAT_EXTENSIBLE with PCM and float subformats', () => {
    const pcm = parseWav(buildWav({ channels: [[0.5, -0.5]], bitsPerSample: 24, extensible: true }));
    expect(pcm).toMatchObject({ encoding: 'pcm', bitsPerSample: 24 });
    expectSamples(pcm.mono, [0.5, -0.5]);
    const float = parseWav(
      buildWav({ channels: [[0.25, -0.125]], bitsPerSample: 32, encoding: 'float', extensible: true }),
    );
    expect(float).toMatchObject({ encoding: 'float', bitsPerSample: 32 });
    expectSamples(float.mono, [0.25, -0.125]);
  });

  it('extensible 24 valid bits in a 32-bit container reports 24 bits and scales by the container', () => {
    const fmt = fmtChunk({
      formatTag: 0xfffe,
      channels: 1,
      sampleRate: 48000,
      bitsPerSample: 32,
      extensible: { subformat: 1, validBits: 24 },
    });
    const audio = parseWav(riffFile([fmt, chunk('data', encodeSamples([[0.5, -0.25]], 32))]));
    expect(audio.bitsPerSample).toBe(24);
    expectSamples(audio.mono, [0.5, -0.25]);
  });
});

describe('parseWav: downmix is the mean of all channels', () => {
  it('stereo', () => {
    const audio = parseWav(
      buildWav({
        channels: [
          [0.5, 1 - 2 ** -15, 0],
          [-0.25, 0.5, -1],
        ],
        bitsPerSample: 16,
      }),
    );
    expect(audio.channels).toBe(2);
    expect(audio.downmix).toBe('mean');
    expectSamples(audio.mono, [0.125, (1 - 2 ** -15 + 0.5) / 2, -0.5]);
  });

  it('6 channels (5.1)', () => {
    const channels = [0.1, 0.2, 0.3, -0.4, 0.5, -0.6].map((value) => [value, -value]);
    const audio = parseWav(buildWav({ channels, bitsPerSample: 32, encoding: 'float', sampleRate: 48000 }));
    expect(audio.channels).toBe(6);
    expectSamples(audio.mono, [0.1 / 6, -0.1 / 6]);
  });
});

describe('parseWav: chunk layout', () => {
  const samples = [[0.5, -0.5, 0.25]];

  it('skips a LIST chunk before fmt and unknown chunks between fmt and data', () => {
    const list = chunk('LIST', ascii('INFOISFT\x06\x00\x00\x00tests\x00'));
    const junk = chunk('JUNK', new Uint8Array(28));
    const audio = parseWav(buildWav({ channels: samples, bitsPerSample: 16, before: [list], between: [junk] }));
    expectSamples(audio.mono, samples[0]!);
    expect(audio.warnings).toEqual([]);
  });

  it('pads odd-sized chunks to an even length', () => {
    const bext = chunk('bext', ascii('abcde'));
    expect(bext.length).toBe(8 + 6);
    const audio = parseWav(
      buildWav({ channels: samples, bitsPerSample: 16, between: [bext], after: [chunk('note', ascii('xyz'))] }),
    );
    expectSamples(audio.mono, samples[0]!);
    expect(audio.warnings).toEqual([]);
  });

  it('reads past an odd chunk whose writer forgot the pad byte, with a warning', () => {
    const unpadded = chunk('bext', ascii('abcde'), 5, false);
    const audio = parseWav(buildWav({ channels: samples, bitsPerSample: 16, between: [unpadded] }));
    expectSamples(audio.mono, samples[0]!);
    expect(audio.warnings.join()).toMatch(/pad byte/);
  });

  it('finds fmt after data', () => {
    const fmt = fmtChunk({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 });
    const audio = parseWav(riffFile([chunk('data', encodeSamples(samples, 16)), fmt]));
    expectSamples(audio.mono, samples[0]!);
  });

  it('takes the rest of the file when the data size is 0xFFFFFFFF or 0 (streaming writers), with a warning', () => {
    for (const size of [0xffffffff, 0]) {
      const audio = parseWav(buildWav({ channels: samples, bitsPerSample: 16, dataSize: size }));
      expectSamples(audio.mono, samples[0]!);
      expect(audio.warnings.join()).toMatch(/streaming recorder.*rest of the file, 6 bytes/);
    }
  });

  it('reads RF64 with the data size in its ds64 chunk', () => {
    const data = encodeSamples(samples, 16);
    const ds64 = new Uint8Array(28);
    new DataView(ds64.buffer).setUint32(8, data.length, true);
    const fmt = fmtChunk({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 });
    const bytes = riffFile(
      [chunk('ds64', ds64), fmt, chunk('data', data, 0xffffffff), chunk('LIST', new Uint8Array(4))],
      'RF64',
      0xffffffff,
    );
    const audio = parseWav(bytes);
    expectSamples(audio.mono, samples[0]!);
    expect(audio.warnings).toEqual([]);
  });

  it('ignores a damaged chunk after the data, with a warning', () => {
    const audio = parseWav(
      buildWav({ channels: samples, bitsPerSample: 16, after: [chunk('LIST', new Uint8Array(4), 1000)] }),
    );
    expectSamples(audio.mono, samples[0]!);
    expect(audio.warnings.join()).toMatch(/damaged 'LIST' chunk/);
  });

  it('ignores a partial trailing frame, with a warning', () => {
    const data = Uint8Array.from([
      ...encodeSamples(
        [
          [0.5, -0.5],
          [0.5, -0.5],
        ],
        16,
      ),
      1,
      2,
    ]);
    const audio = parseWav(
      riffFile([fmtChunk({ formatTag: 1, channels: 2, sampleRate: 16000, bitsPerSample: 16 }), chunk('data', data)]),
    );
    expect(audio.numFrames).toBe(2);
    expect(audio.warnings.join()).toMatch(/2 trailing bytes/);
  });
});

describe('parseWav: rejections say why', () => {
  const fmt16 = fmtChunk({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 });
  const data = chunk('data', encodeSamples([[0.5, -0.5]], 16));

  it.each<[string, () => Uint8Array, RegExp]>([
    ['too short', () => ascii('RIFF'), /too short to be a WAV file \(4 bytes\)/],
    [
      'not RIFF/WAVE',
      () => Uint8Array.from([...ascii('RIFF\x10\x00\x00\x00AVI '), ...new Uint8Array(32)]),
      /not a WAV file/,
    ],
    ['big-endian RIFX', () => riffFile([fmt16, data], 'RIFX'), /big-endian/],
    ['no fmt', () => riffFile([data]), /no fmt chunk/],
    ['no data', () => riffFile([fmt16]), /no data chunk/],
    [
      'µ-law',
      () => riffFile([fmtChunk({ formatTag: 7, channels: 1, sampleRate: 8000, bitsPerSample: 8 }), data]),
      /^µ-law \(format 7\) is not supported; convert to PCM$/,
    ],
    [
      'IMA ADPCM',
      () =>
        riffFile([
          fmtChunk({ formatTag: 0x11, channels: 1, sampleRate: 8000, bitsPerSample: 4, blockAlign: 256 }),
          data,
        ]),
      /IMA ADPCM \(format 17\) is not supported/,
    ],
    [
      'unknown tag',
      () => riffFile([fmtChunk({ formatTag: 0x1234, channels: 1, sampleRate: 8000, bitsPerSample: 16 }), data]),
      /WAV format 0x1234 is not supported/,
    ],
    [
      'extensible µ-law',
      () =>
        riffFile([
          fmtChunk({
            formatTag: 0xfffe,
            channels: 1,
            sampleRate: 8000,
            bitsPerSample: 8,
            extensible: { subformat: 7 },
          }),
          data,
        ]),
      /µ-law \(format 7\)/,
    ],
    [
      'extensible with a foreign GUID',
      () =>
        riffFile([
          fmtChunk({
            formatTag: 0xfffe,
            channels: 1,
            sampleRate: 8000,
            bitsPerSample: 16,
            extensible: { subformat: 1, guidTail: KSDATAFORMAT_GUID_TAIL.map((b) => b ^ 1) },
          }),
          data,
        ]),
      /unknown subformat GUID/,
    ],
    [
      'short extensible fmt',
      () =>
        riffFile([
          chunk('fmt ', fmtChunk({ formatTag: 0xfffe, channels: 1, sampleRate: 8000, bitsPerSample: 16 }).subarray(8)),
          data,
        ]),
      /extensible fmt chunk is too short/,
    ],
    ['fmt too short', () => riffFile([chunk('fmt ', new Uint8Array(14)), data]), /fmt chunk is too short \(14 bytes/],
    ['two fmt chunks', () => riffFile([fmt16, fmt16, data]), /two fmt chunks/],
    [
      'block align',
      () =>
        riffFile([fmtChunk({ formatTag: 1, channels: 2, sampleRate: 16000, bitsPerSample: 16, blockAlign: 2 }), data]),
      /block align 2 does not match 2 channels × 16 bits \(expected 4\)/,
    ],
    [
      '0 channels',
      () => riffFile([fmtChunk({ formatTag: 1, channels: 0, sampleRate: 16000, bitsPerSample: 16 }), data]),
      /0 channels is not supported/,
    ],
    [
      '33 channels',
      () => riffFile([fmtChunk({ formatTag: 1, channels: 33, sampleRate: 16000, bitsPerSample: 16 }), data]),
      /33 channels is not supported \(1 to 32\)/,
    ],
    [
      'low rate',
      () => riffFile([fmtChunk({ formatTag: 1, channels: 1, sampleRate: 999, bitsPerSample: 16 }), data]),
      /implausible sample rate 999 Hz \(supported: 1000 to 768000 Hz\)/,
    ],
    [
      'high rate',
      () => riffFile([fmtChunk({ formatTag: 1, channels: 1, sampleRate: 800000, bitsPerSample: 16 }), data]),
      /implausible sample rate 800000 Hz/,
    ],
    [
      '16-bit float',
      () => riffFile([fmtChunk({ formatTag: 3, channels: 1, sampleRate: 16000, bitsPerSample: 16 }), data]),
      /16-bit float WAV is not supported/,
    ],
    [
      '0-bit PCM',
      () =>
        riffFile([fmtChunk({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 0, blockAlign: 0 }), data]),
      /0-bit PCM is not supported/,
    ],
    [
      'truncated data',
      () => riffFile([fmt16, chunk('data', encodeSamples([[0.5, -0.5]], 16), 1000)]),
      /^truncated: the data chunk promises 1000 bytes, the file holds 4$/,
    ],
    [
      'damaged chunk before fmt',
      () => riffFile([chunk('LIST', new Uint8Array(4), 5000), fmt16, data]),
      /damaged: chunk 'LIST' at byte 12 claims 5000 bytes, only 40 remain/,
    ],
    ['zero frames', () => riffFile([fmt16, chunk('data', new Uint8Array(0))]), /no audio samples \(0 frames\)/],
    [
      'zero frames before a trailing chunk',
      () => riffFile([fmt16, chunk('data', new Uint8Array(0)), chunk('LIST', new Uint8Array(4))]),
      /no audio samples \(0 frames\)/,
    ],
    ['over 2 GiB', () => riffFile([fmt16, chunk('data', new Uint8Array(4), 0x90000000)]), /over 2 GiB/],
    [
      'over 24 h',
      () =>
        riffFile([
          fmtChunk({ formatTag: 1, channels: 1, sampleRate: 1000, bitsPerSample: 8 }),
          chunk('data', new Uint8Array(4), 100_000_000),
        ]),
      /declares 27\.8 h of audio/,
    ],
    [
      'NaN',
      () => buildWav({ channels: [[0.5, Number.NaN]], bitsPerSample: 32, encoding: 'float' }),
      /contains NaN or infinite samples/,
    ],
    [
      'infinity',
      () => buildWav({ channels: [[Number.POSITIVE_INFINITY]], bitsPerSample: 64, encoding: 'float' }),
      /contains NaN or infinite samples/,
    ],
    [
      'beyond float32',
      () => buildWav({ channels: [[1e300]], bitsPerSample: 64, encoding: 'float' }),
      /beyond the 32-bit float range/,
    ],
  ])('%s', (_name, build, reason) => {
    expect(rejection(build())).toMatch(reason);
  });

  it('never reads a header size before checking it against the bytes present', () => {
    // A 44-byte file claiming 0x7FFFFFF0 bytes of data must fail fast, not allocate.
    const bytes = riffFile([fmt16, chunk('data', new Uint8Array(0), 0x7ffffff0)]);
    const started = performance.now();
    expect(rejection(bytes)).toMatch(/truncated|24 h/);
    // Reading or zeroing 2 GB takes seconds; a loose bound keeps a slow CI machine from failing it.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
