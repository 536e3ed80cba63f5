import { describe, expect, it } from 'vitest';
import {
  computeFingerprint,
  fingerprintDistance,
  fingerprintFromBlob,
  fingerprintToBlob,
  FINGERPRINT_WORDS,
} from '../../src-main/services/library/audioFingerprint.ts';
import {
  DEFAULT_NEAR_DUPLICATE_THRESHOLD,
  nearDuplicatePairs,
} from '../../src-main/services/library/findNearDuplicates.ts';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import { resample } from '../../src-shared/dsp/resample.ts';
import { synthWord } from '../support/synthWord.ts';

const RATE = 16000;
const threshold = DEFAULT_NEAR_DUPLICATE_THRESHOLD;
const rms = (x: Float32Array) => Math.sqrt(x.reduce((sum, value) => sum + value * value, 0) / x.length);
const shifted = (x: Float32Array, samples: number) => x.map((_, i) => x[i - samples] ?? 0);
const withNoise = (x: Float32Array, snrDb: number, seed: number) => {
  const random = createRandom(seed);
  const level = rms(x) * 10 ** (-snrDb / 20);
  return x.map((value) => value + level * random.gaussian());
};
const distance = (a: Float32Array, b: Float32Array, rateB = RATE) =>
  fingerprintDistance(computeFingerprint(a, RATE), computeFingerprint(b, rateB));

describe('audio fingerprint', () => {
  const word = synthWord(1);

  it('is 32 words of 32 bits, stable, and survives a round trip through a BLOB', () => {
    const fingerprint = computeFingerprint(word, RATE);
    expect(fingerprint).toHaveLength(FINGERPRINT_WORDS);
    expect(computeFingerprint(word, RATE)).toEqual(fingerprint);
    expect(fingerprintFromBlob(fingerprintToBlob(fingerprint))).toEqual(fingerprint);
    expect(fingerprintFromBlob(new Uint8Array(12))).toBeNull();
  });

  it('finds the same clip with −30 dB noise, a 10% gain change and a 20 ms shift', () => {
    const variants = {
      noise: withNoise(word, 30, 2),
      quieter: word.map((value) => value * 0.9),
      louder: word.map((value) => value * 1.1),
      later: shifted(word, 0.02 * RATE),
      earlier: shifted(word, -0.02 * RATE),
      // A 13 ms shift does not line up with the 10 ms centroid blocks.
      odd: shifted(word, 0.013 * RATE),
      all: shifted(
        withNoise(
          word.map((value) => value * 0.9),
          30,
          3,
        ),
        0.02 * RATE,
      ),
    };
    for (const [name, variant] of Object.entries(variants)) {
      expect({ name, d: distance(word, variant) < threshold / 2 }).toEqual({ name, d: true });
    }
    // Another sample rate of the same clip fingerprints the same way.
    expect(distance(word, resample(word, RATE, 44100), 44100)).toBeLessThan(threshold / 2);
  });

  it('keeps a different word and a tone apart', () => {
    for (const seed of [2, 3, 4, 5]) expect(distance(word, synthWord(seed))).toBeGreaterThan(threshold * 1.5);
    const tone = Float32Array.from({ length: RATE }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / RATE));
    expect(distance(word, tone)).toBeGreaterThan(threshold * 1.5);
    expect(
      distance(
        tone,
        Float32Array.from({ length: RATE }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 660 * i) / RATE)),
      ),
    ).toBeGreaterThan(threshold);
  });

  it('gives silence an empty fingerprint', () => {
    expect(computeFingerprint(new Float32Array(RATE), RATE).every((value) => value === 0)).toBe(true);
  });

  it('measures distance as differing bits over bits set in either', () => {
    const a = new Uint32Array(FINGERPRINT_WORDS);
    const b = new Uint32Array(FINGERPRINT_WORDS);
    a[0] = 0b1111;
    b[0] = 0b0111;
    b[1] = 0b1;
    expect(fingerprintDistance(a, b)).toBe(2 / 5);
    expect(fingerprintDistance(a, a)).toBe(0);
    expect(() => fingerprintDistance(a, new Uint32Array(3))).toThrow(/differ in length/);
  });
});

describe('near-duplicate search', () => {
  /** Sparse random fingerprints shaped like real ones: some quiet (zero) words, ~30% of bits set. */
  const randomFingerprints = (count: number, seed: number) => {
    const random = createRandom(seed);
    return Array.from({ length: count }, () => {
      const fingerprint = new Uint32Array(FINGERPRINT_WORDS);
      const first = random.int(0, 6);
      const last = random.int(22, 31);
      for (let w = first; w <= last; w++)
        for (let bit = 0; bit < 32; bit++) if (random.next() < 0.3) fingerprint[w]! |= 1 << bit;
      return fingerprint;
    });
  };
  const perturb = (fingerprint: Uint32Array, flips: number, seed: number) => {
    const random = createRandom(seed);
    const copy = fingerprint.slice();
    for (let k = 0; k < flips; k++) copy[random.int(0, FINGERPRINT_WORDS - 1)]! ^= 1 << random.int(0, 31);
    return copy;
  };

  it('finds planted near-duplicates among thousands without comparing every pair, like the exhaustive search', () => {
    const base = randomFingerprints(3000, 1);
    const planted = Array.from({ length: 40 }, (_, k) => perturb(base[k * 70]!, 25, k));
    const all = [...base, ...planted];
    const started = performance.now();
    const pairs = nearDuplicatePairs(all, threshold);
    const elapsed = performance.now() - started;
    const expected = planted.map((_, k) => `${k * 70},${3000 + k}`).sort();
    expect(pairs.map(({ i, j }) => `${i},${j}`).sort()).toEqual(expected);
    for (const pair of pairs) expect(pair.distance).toBeCloseTo(fingerprintDistance(all[pair.i]!, all[pair.j]!), 12);
    expect(elapsed).toBeLessThan(5000);
  });

  it('is exact below the exhaustive limit and leaves empty fingerprints out', () => {
    const base = randomFingerprints(50, 2);
    const empty = [new Uint32Array(FINGERPRINT_WORDS), new Uint32Array(FINGERPRINT_WORDS)];
    const pairs = nearDuplicatePairs([...base, perturb(base[3]!, 10, 9), ...empty], threshold);
    expect(pairs.map(({ i, j }) => [i, j])).toEqual([[3, 50]]);
  });
});
