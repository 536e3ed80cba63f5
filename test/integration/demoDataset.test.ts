import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKGROUND_NOISE_FOLDER,
  DEMO_KEYWORDS,
  DEMO_UNKNOWN_WORDS,
  generateDemoDataset,
} from '../../src-main/services/demo/generateDemoDataset.ts';

const TIMEOUT = 120_000;
const SMALL = { clipsPerWord: 3, unknownClipsPerWord: 2 };

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'kws-demo-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Relative path → SHA-256 of every file under `dir`. */
async function hashTree(dir: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    hashes.set(
      path.relative(dir, full),
      createHash('sha256')
        .update(await readFile(full))
        .digest('hex'),
    );
  }
  return hashes;
}

interface Wav {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  samples: Int16Array;
}

/** Minimal reader for the canonical 44-byte-header PCM WAV the generator writes. */
function readWav(bytes: Buffer): Wav {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  expect(bytes.toString('ascii', 12, 16)).toBe('fmt ');
  expect(bytes.toString('ascii', 36, 40)).toBe('data');
  const dataBytes = bytes.readUInt32LE(40);
  expect(bytes.readUInt32LE(4)).toBe(36 + dataBytes);
  expect(bytes.length).toBe(44 + dataBytes);
  const samples = new Int16Array(dataBytes / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(44 + i * 2);
  return {
    format: bytes.readUInt16LE(20),
    channels: bytes.readUInt16LE(22),
    sampleRate: bytes.readUInt32LE(24),
    bits: bytes.readUInt16LE(34),
    samples,
  };
}

describe('generateDemoDataset', () => {
  it(
    'writes the same bytes for the same seed, other bytes for another seed, and well-formed clips',
    async () => {
      const progress: [number, number][] = [];
      const first = await generateDemoDataset({
        outDir: path.join(root, 'a'),
        seed: 7,
        ...SMALL,
        onProgress: (done, total) => progress.push([done, total]),
      });
      // Rendered by two worker processes: the bytes must not depend on who rendered what.
      await generateDemoDataset({ outDir: path.join(root, 'b'), seed: 7, ...SMALL, workers: 2 });
      await generateDemoDataset({ outDir: path.join(root, 'c'), seed: 8, ...SMALL });

      const a = await hashTree(path.join(root, 'a'));
      const b = await hashTree(path.join(root, 'b'));
      const c = await hashTree(path.join(root, 'c'));
      expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
      const aHashes = new Set(a.values());
      expect([...c.values()].filter((hash) => aHashes.has(hash))).toEqual([]);

      const clipCount = DEMO_KEYWORDS.length * 3 + DEMO_UNKNOWN_WORDS.length * 2;
      expect(first.files).toBe(clipCount);
      expect(first.words).toEqual([...DEMO_KEYWORDS]);
      expect(first.unknownWords).toEqual([...DEMO_UNKNOWN_WORDS]);
      expect(a.size).toBe(clipCount + first.noiseFiles);
      expect(progress.at(-1)).toEqual([clipCount + first.noiseFiles, clipCount + first.noiseFiles]);
      expect(progress.map(([done]) => done)).toEqual([...Array(clipCount + first.noiseFiles + 1).keys()]);

      // No partial folders are left next to the outputs.
      expect((await readdir(root)).sort()).toEqual(['a', 'b', 'c']);

      const speakers = new Set<string>();
      for (const word of [...DEMO_KEYWORDS, ...DEMO_UNKNOWN_WORDS]) {
        const names = await readdir(path.join(root, 'a', word));
        expect(names).toHaveLength(DEMO_KEYWORDS.includes(word) ? 3 : 2);
        for (const name of names) {
          const match = /^(spk\d\d)_nohash_(\d+)\.wav$/.exec(name);
          expect(match, name).not.toBeNull();
          speakers.add(match![1]!);
          const wav = readWav(await readFile(path.join(root, 'a', word, name)));
          expect(wav).toMatchObject({ format: 1, channels: 1, sampleRate: 16000, bits: 16 });
          expect(wav.samples.length).toBe(16000);
          let peak = 0;
          for (const value of wav.samples) peak = Math.max(peak, Math.abs(value));
          // Not silent (above −40 dBFS) and peaking below full scale.
          expect(peak, `${word}/${name}`).toBeGreaterThan(32768 * 0.01);
          expect(peak, `${word}/${name}`).toBeLessThan(32767);
        }
      }
      expect(speakers.size).toBeGreaterThan(5);

      const noiseNames = (await readdir(path.join(root, 'a', BACKGROUND_NOISE_FOLDER))).sort();
      expect(noiseNames).toEqual(['brown_noise.wav', 'hum.wav', 'pink_noise.wav', 'rain.wav', 'white_noise.wav']);
      for (const name of noiseNames) {
        const wav = readWav(await readFile(path.join(root, 'a', BACKGROUND_NOISE_FOLDER, name)));
        expect(wav).toMatchObject({ format: 1, channels: 1, sampleRate: 16000, bits: 16 });
        expect(wav.samples.length).toBeGreaterThanOrEqual(10 * 16000);
      }
    },
    TIMEOUT,
  );

  it(
    'stops on abort and leaves nothing behind',
    async () => {
      const controller = new AbortController();
      const outDir = path.join(root, 'aborted');
      const run = generateDemoDataset({
        outDir,
        ...SMALL,
        signal: controller.signal,
        onProgress: (done) => {
          if (done === 2) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      const left = (await readdir(root)).filter((name) => name.startsWith('aborted'));
      expect(left).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'stops its worker processes on abort and leaves nothing behind',
    async () => {
      const controller = new AbortController();
      const run = generateDemoDataset({
        outDir: path.join(root, 'aborted-workers'),
        ...SMALL,
        workers: 2,
        signal: controller.signal,
        onProgress: (done) => {
          if (done === 3) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      expect((await readdir(root)).filter((name) => name.startsWith('aborted-workers'))).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'refuses a non-empty output folder and bad counts, but accepts an empty folder',
    async () => {
      const busy = path.join(root, 'busy');
      await mkdir(busy);
      await writeFile(path.join(busy, 'keep.txt'), 'mine');
      await expect(generateDemoDataset({ outDir: busy, ...SMALL })).rejects.toThrow(/not empty/);
      expect(await readdir(busy)).toEqual(['keep.txt']);
      await expect(generateDemoDataset({ outDir: path.join(root, 'x'), clipsPerWord: 0 })).rejects.toThrow(RangeError);

      const empty = path.join(root, 'empty');
      await mkdir(empty);
      const summary = await generateDemoDataset({ outDir: empty, clipsPerWord: 1, unknownClipsPerWord: 0 });
      expect(summary.files).toBe(DEMO_KEYWORDS.length);
      expect((await readdir(empty)).sort()).toEqual([BACKGROUND_NOISE_FOLDER, ...DEMO_KEYWORDS].sort());
    },
    TIMEOUT,
  );
});
