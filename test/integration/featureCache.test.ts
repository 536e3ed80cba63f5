import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { FeatureMatrix } from '../../src-shared/model/FeatureSpec.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { FeatureCache } from '../../src-main/services/features/FeatureCache.ts';
import { decodeFeatureFile, encodeFeatureFile } from '../../src-main/services/features/featureFile.ts';
import { extractInWorkers } from '../../src-main/services/features/extractInWorkers.ts';
import { loadFeaturePresets } from '../../src-main/services/features/loadFeaturePresets.ts';
import { createFeatureExtractor } from '../../src-shared/dsp/createFeatureExtractor.ts';
import { decodeAudio } from '../../src-main/services/audio/decodeAudio.ts';
import { tempDir } from '../support/tempDir.ts';
import { writeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir('kws-features-');
const hashA = 'a'.repeat(64);
const hashB = 'b'.repeat(64);
const specHash = '0123456789abcdef';

function matrix(frames: number, bins: number, seed = 1): FeatureMatrix {
  return { frames, bins, data: Float32Array.from({ length: frames * bins }, (_, i) => Math.sin(i * seed) * 40 - 20) };
}

describe('feature file format', () => {
  it('round-trips float32 exactly and float16 within half precision', () => {
    const original = matrix(49, 10);
    expect(decodeFeatureFile(encodeFeatureFile(original, 'float32'))).toEqual(original);
    const half = decodeFeatureFile(encodeFeatureFile(original, 'float16')) as FeatureMatrix;
    expect(encodeFeatureFile(original, 'float16').length).toBe(24 + 49 * 10 * 2);
    half.data.forEach((value, i) =>
      expect(Math.abs(value - original.data[i]!)).toBeLessThanOrEqual(Math.abs(original.data[i]!) * 2 ** -11 + 1e-7),
    );
  });

  it('names what is wrong with a damaged file', () => {
    const bytes = encodeFeatureFile(matrix(4, 4), 'float32');
    expect(decodeFeatureFile(bytes.subarray(0, 10))).toEqual({
      corrupt: expect.stringMatching(/shorter than the header/),
    });
    expect(decodeFeatureFile(bytes.subarray(0, bytes.length - 4))).toEqual({
      corrupt: expect.stringMatching(/needs 64/),
    });
    const flipped = Buffer.from(bytes);
    flipped[30]! ^= 0x01;
    expect(decodeFeatureFile(flipped)).toEqual({ corrupt: 'checksum mismatch' });
    expect(decodeFeatureFile(Buffer.from('RIFF....WAVEfmt ................'))).toEqual({
      corrupt: expect.stringMatching(/bad magic/),
    });
  });
});

describe('feature cache', () => {
  it('recomputes an entry corrupted on disk instead of using it', () => {
    const cacheDir = path.join(dir, 'corrupt');
    const cache = new FeatureCache(cacheDir);
    cache.put(hashA, specHash, matrix(10, 4));
    expect(cache.get(hashA, specHash)).toEqual(matrix(10, 4));
    const file = path.join(cacheDir, specHash, `${hashA}.feat`);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1]! ^= 0xff;
    fs.writeFileSync(file, bytes);

    // A fresh cache (as after a restart) and the warm one both refuse it.
    expect(new FeatureCache(cacheDir).get(hashA, specHash)).toBeNull();
    expect(fs.existsSync(file)).toBe(false);
    expect(cache.get(hashA, specHash)).toBeNull();
    expect(cache.status()).toMatchObject({ hits: 1, misses: 1, corrupt: 0, entries: 0, bytes: 0 });
  });

  it('keeps to its size cap, evicting the least recently used entries first', () => {
    const entryBytes = encodeFeatureFile(matrix(100, 10), 'float32').length;
    const cache = new FeatureCache(path.join(dir, 'lru'), { capBytes: entryBytes * 3.5 });
    const hashes = ['1', '2', '3'].map((digit) => digit.repeat(64));
    for (const hash of hashes) cache.put(hash, specHash, matrix(100, 10));
    expect(cache.get(hashes[0]!, specHash)).not.toBeNull();
    cache.put(hashA, specHash, matrix(100, 10));
    const status = cache.status();
    expect(status.bytes).toBeLessThanOrEqual(entryBytes * 3.5);
    expect(status.entries).toBe(3);
    expect(cache.get(hashes[1]!, specHash)).toBeNull();
    expect(cache.get(hashes[0]!, specHash)).not.toBeNull();
    // The index on disk agrees after a restart.
    expect(new FeatureCache(path.join(dir, 'lru')).status()).toMatchObject({ entries: 3, bytes: entryBytes * 3 });
  });

  it('still answers when it cannot write (a read-only or full disk) and says so', () => {
    const blocked = path.join(dir, 'blocked');
    fs.writeFileSync(blocked, 'a file where the cache folder should be');
    const cache = new FeatureCache(blocked);
    cache.put(hashB, specHash, matrix(3, 3));
    expect(cache.status()).toMatchObject({
      entries: 0,
      writeFailures: 1,
      lastWriteError: expect.stringMatching(/EEXIST|ENOTDIR/),
    });
    expect(cache.get(hashB, specHash)).toBeNull();
  });
});

describe('feature service', () => {
  it('serves a clip from the cache the second time and recomputes a corrupted entry', async () => {
    const source = path.join(dir, 'source', 'yes');
    fs.mkdirSync(source, { recursive: true });
    writeTestWav(path.join(source, 'a.wav'), { frequency: 700 });
    const studio = createServices({ home: path.join(dir, 'home') });
    const dispatcher = createDispatcher(studio.services);
    const client = createClient({
      invoke: (channel, input) => dispatcher.call(channel, input),
      subscribe: dispatcher.subscribe,
    });
    await client.project.create({ path: path.join(dir, 'project') });
    await client.project.importFolder({ path: path.dirname(source) });
    const [clipId] = await client.library.clipIds({});
    const presets = await client.features.presets();
    const spec = presets.find((preset) => preset.id === 'hello-edge-ds-cnn')!.spec;

    const first = await client.features.clipFeatures({ clipId: clipId!, spec });
    expect(first).toMatchObject({ frames: 49, bins: 10, cached: false });
    expect(first.data).toBeInstanceOf(Float32Array);
    const second = await client.features.clipFeatures({ clipId: clipId!, spec });
    expect(second).toMatchObject({ cached: true, computeMs: 0 });
    expect(second.data).toEqual(first.data);

    const specDir = path.join(dir, 'project', 'cache', 'features', first.specHash);
    const [entry] = fs.readdirSync(specDir);
    fs.writeFileSync(path.join(specDir, entry!), Buffer.from('garbage'));
    const third = await client.features.clipFeatures({ clipId: clipId!, spec });
    expect(third.cached).toBe(false);
    expect(third.data).toEqual(first.data);
    expect(await client.features.cacheStatus()).toMatchObject({ hits: 1, misses: 2, corrupt: 1, entries: 1 });

    await expect(
      client.features.clipFeatures({ clipId: clipId!, spec: { ...spec, upperHz: 9000 } }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/upper frequency 9000 Hz is above the Nyquist frequency/),
    });
    expect(await client.features.clearCache()).toMatchObject({ entries: 0, bytes: 0 });
    studio.dispose();
  });
});

describe('feature extraction over worker threads', () => {
  it('gives the same features as the main thread, and reports files it cannot decode', async () => {
    const spec = loadFeaturePresets().find((preset) => preset.id === 'tf-speech-commands')!.spec;
    const files = Array.from({ length: 20 }, (_, i) => {
      const file = path.join(dir, `worker-${i}.wav`);
      writeTestWav(file, { frequency: 200 + 37 * i, sampleRate: i % 2 ? 8000 : 16000 });
      return file;
    });
    const broken = path.join(dir, 'broken.wav');
    fs.writeFileSync(broken, 'not audio');
    const results = new Map<string, FeatureMatrix>();
    const failures: string[] = [];
    await extractInWorkers({
      spec,
      threads: 2,
      batchSize: 3,
      jobs: [...files, broken].map((file) => ({ key: file, file })),
      onResult: (key, result) => results.set(key, result),
      onFailure: (key, reason) => failures.push(`${path.basename(key)}: ${reason}`),
    });
    expect(failures).toEqual([expect.stringMatching(/^broken.wav: /)]);
    expect(results.size).toBe(20);
    const extract = createFeatureExtractor(spec);
    for (const file of files.slice(0, 3)) {
      const audio = await decodeAudio(fs.readFileSync(file), file);
      expect(results.get(file)!.data).toEqual(extract(audio.mono, audio.sampleRate).data);
    }
  });
});
