import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../src-shared/random/createRandom.ts';
import { AUDIO_LIMITS, AudioDecodeError, type DecodedAudio } from '../../src-main/services/audio/decodedAudio.ts';
import { parseWav } from '../../src-main/services/audio/parseWav.ts';
import { chunk, encodeSamples, fmtChunk, sine } from '../support/buildWav.ts';

/** A valid WAV kept as its parts, so mutations can work on chunks as well as on bytes. */
interface Seed {
  name: string;
  riffId: string;
  chunks: Uint8Array[];
}

const CASES_PER_SEED = 1500;
const INTERESTING_SIZES = [
  0, 1, 2, 3, 7, 15, 16, 17, 18, 39, 40, 41, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe,
  0xffffffff,
];

function seeds(): Seed[] {
  const tone = (frames: number, amplitude = 0.5): number[] => sine(440, 16000, frames, amplitude);
  const fmt = (formatTag: number, channels: number, bitsPerSample: number, extensible?: number): Uint8Array =>
    fmtChunk({
      formatTag,
      channels,
      sampleRate: 16000,
      bitsPerSample,
      extensible: extensible === undefined ? undefined : { subformat: extensible },
    });
  const ds64 = (dataSize: number): Uint8Array => {
    const body = new Uint8Array(28);
    new DataView(body.buffer).setUint32(8, dataSize, true);
    return chunk('ds64', body);
  };
  const stereo24 = encodeSamples([tone(150), tone(150, 0.25)], 24);
  const mono16 = encodeSamples([tone(200)], 16);
  return [
    { name: '16-bit mono', riffId: 'RIFF', chunks: [fmt(1, 1, 16), chunk('data', mono16)] },
    {
      name: '24-bit stereo, LIST first',
      riffId: 'RIFF',
      chunks: [chunk('LIST', new Uint8Array(26).fill(0x41)), fmt(1, 2, 24), chunk('data', stereo24)],
    },
    {
      name: 'float32 extensible, 3 channels',
      riffId: 'RIFF',
      chunks: [fmt(0xfffe, 3, 32, 3), chunk('data', encodeSamples([tone(100), tone(100), tone(100)], 32, 'float'))],
    },
    {
      name: '8-bit, odd bext chunk',
      riffId: 'RIFF',
      chunks: [fmt(1, 1, 8), chunk('bext', new Uint8Array(7).fill(0x20)), chunk('data', encodeSamples([tone(301)], 8))],
    },
    {
      name: 'float64 mono, data then fmt',
      riffId: 'RIFF',
      chunks: [chunk('data', encodeSamples([tone(90)], 64, 'float')), fmt(3, 1, 64)],
    },
    { name: 'RF64', riffId: 'RF64', chunks: [ds64(mono16.length), fmt(1, 1, 16), chunk('data', mono16, 0xffffffff)] },
    {
      name: 'streaming size',
      riffId: 'RIFF',
      chunks: [fmt(1, 2, 16), chunk('data', encodeSamples([tone(120), tone(120)], 16), 0xffffffff)],
    },
  ];
}

function assemble(riffId: string, chunks: readonly Uint8Array[]): Uint8Array {
  const length = chunks.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(12 + length);
  out.set(
    Uint8Array.from(riffId, (c) => c.charCodeAt(0)),
    0,
  );
  new DataView(out.buffer).setUint32(4, 4 + length, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8);
  let offset = 12;
  for (const part of chunks) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Chunk-level damage: lie about a size, duplicate, drop or swap chunks. */
function mutateChunks(seed: Seed, random: Random): Uint8Array[] {
  const chunks = seed.chunks.map((part) => part.slice());
  const operation = random.int(0, 3);
  const index = random.int(0, chunks.length - 1);
  if (operation === 0) {
    const size = random.next() < 0.7 ? random.pick(INTERESTING_SIZES) : random.int(0, 0xffffffff);
    new DataView(chunks[index]!.buffer).setUint32(4, size >>> 0, true);
  } else if (operation === 1) {
    chunks.splice(random.int(0, chunks.length), 0, chunks[index]!.slice());
  } else if (operation === 2) {
    chunks.splice(index, 1);
  } else {
    const other = random.int(0, chunks.length - 1);
    [chunks[index], chunks[other]] = [chunks[other]!, chunks[index]!];
  }
  return chunks;
}

/** Byte-level damage: bit flips, header overwrites, truncation, garbage, huge fields. */
function mutateBytes(input: Uint8Array, random: Random): Uint8Array {
  let bytes = input.slice();
  switch (random.int(0, 6)) {
    case 0: {
      const flips = random.int(1, 8);
      for (let i = 0; i < flips; i++) {
        const at = random.int(0, bytes.length - 1);
        bytes[at] = bytes[at]! ^ (1 << random.int(0, 7));
      }
      break;
    }
    case 1: {
      const count = random.int(1, 6);
      const headerEnd = Math.min(bytes.length - 1, 120);
      for (let i = 0; i < count; i++)
        bytes[random.int(0, headerEnd)] = random.pick([0, 0xff, 0x7f, 0x80, 1, random.int(0, 255)]);
      break;
    }
    case 2:
      bytes = bytes.subarray(0, random.int(0, bytes.length - 1));
      break;
    case 3: {
      const start = random.int(0, bytes.length - 1);
      const end = Math.min(bytes.length, start + random.int(1, 64));
      for (let i = start; i < end; i++) bytes[i] = random.int(0, 255);
      break;
    }
    case 4: {
      // A 32-bit field somewhere in the header region set to something large or odd.
      if (bytes.length < 4) break;
      const offset = random.int(0, Math.min(bytes.length, 100) - 4);
      new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(
        offset,
        random.pick(INTERESTING_SIZES) >>> 0,
        true,
      );
      break;
    }
    case 5: {
      const garbage = Uint8Array.from({ length: random.int(1, 300) }, () => random.int(0, 255));
      bytes = Uint8Array.from([...bytes, ...garbage]);
      break;
    }
    default: {
      // Pure noise behind a plausible RIFF/WAVE header.
      const noise = Uint8Array.from({ length: random.int(0, 400) }, () => random.int(0, 255));
      bytes = Uint8Array.from([...bytes.subarray(0, 12), ...noise]);
    }
  }
  return bytes;
}

function checkWellFormed(audio: DecodedAudio): void {
  expect(audio.numFrames).toBeGreaterThan(0);
  expect(audio.mono.length).toBe(audio.numFrames);
  expect(audio.channels).toBeGreaterThanOrEqual(1);
  expect(audio.channels).toBeLessThanOrEqual(AUDIO_LIMITS.maxChannels);
  expect(audio.sampleRate).toBeGreaterThanOrEqual(AUDIO_LIMITS.minSampleRate);
  expect(audio.sampleRate).toBeLessThanOrEqual(AUDIO_LIMITS.maxSampleRate);
  expect(audio.durationMs).toBeCloseTo((audio.numFrames / audio.sampleRate) * 1000, 6);
  for (const value of audio.mono) if (!Number.isFinite(value)) throw new Error(`non-finite sample ${value}`);
}

// parseWav is called directly: decodeAudio turns stray exceptions into AudioDecodeError as a safety
// net, which would hide exactly the parser bugs this test is for.
describe('WAV decoding under mutation', () => {
  it('every mutated file decodes to well-formed audio or fails with AudioDecodeError', () => {
    const started = performance.now();
    const failures: string[] = [];
    let otherErrors = 0;
    const reasons = new Map<string, number>();
    let accepted = 0;
    let rejected = 0;
    for (const [seedIndex, seed] of seeds().entries()) {
      const valid = assemble(seed.riffId, seed.chunks);
      checkWellFormed(parseWav(valid));
      const random = createRandom(1000 + seedIndex);
      for (let n = 0; n < CASES_PER_SEED; n++) {
        const mode = random.int(0, 2);
        let bytes = mode === 1 ? valid : assemble(seed.riffId, mutateChunks(seed, random));
        if (mode !== 0) bytes = mutateBytes(bytes, random);
        if (random.next() < 0.2) bytes = mutateBytes(bytes, random);
        try {
          checkWellFormed(parseWav(bytes));
          accepted++;
        } catch (error) {
          if (error instanceof AudioDecodeError) {
            rejected++;
            const reason = error.message.replace(/\d+/g, 'N').slice(0, 40);
            reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
          } else {
            otherErrors++;
            if (failures.length < 5)
              failures.push(
                `${seed.name} #${n}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
              );
          }
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const top = [...reasons]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([reason, count]) => `${count}× "${reason}…"`);
    console.log(
      `wavFuzz: ${accepted + rejected + otherErrors} mutated WAVs, ${accepted} accepted, ${rejected} rejected with AudioDecodeError, ${otherErrors} other failures, ${seconds.toFixed(1)} s; most common: ${top.join(', ')}`,
    );
    expect(failures).toEqual([]);
    expect(accepted + rejected).toBeGreaterThanOrEqual(5000);
    // Both outcomes must be common, or the mutations are too timid (or too brutal) to test anything.
    expect(accepted).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(500);
  });
});
