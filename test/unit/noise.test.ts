import { describe, expect, it } from 'vitest';
import { generateNoise, NOISE_KINDS, type NoiseKind } from '../../src-shared/dsp/noise.ts';
import { createRandom, hashSeed } from '../../src-shared/random/createRandom.ts';
import { createFft } from '../../src-shared/dsp/createFft.ts';

const SAMPLE_RATE = 16000;

/** Welch power spectrum (Hann window, 50 % overlap); index k is frequency k · fs / size. */
function powerSpectrum(samples: Float32Array, size = 1024): Float64Array {
  const power = new Float64Array(size / 2);
  const window = Float64Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
  const fft = createFft(size);
  for (let start = 0; start + size <= samples.length; start += size / 2) {
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    for (let i = 0; i < size; i++) re[i] = samples[start + i]! * window[i]!;
    fft(re, im);
    for (let k = 0; k < size / 2; k++) power[k] = power[k]! + re[k]! * re[k]! + im[k]! * im[k]!;
  }
  return power;
}

/** Least-squares slope of the mean power density (dB) over octave bands 125 Hz … 4 kHz. */
function slopePerOctave(samples: Float32Array): number {
  const size = 1024;
  const power = powerSpectrum(samples, size);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let octave = 0; octave < 5; octave++) {
    const low = 125 * 2 ** octave;
    let sum = 0;
    let count = 0;
    for (let k = Math.ceil((low * size) / SAMPLE_RATE); k < (2 * low * size) / SAMPLE_RATE; k++) {
      sum += power[k]!;
      count++;
    }
    xs.push(octave);
    ys.push(10 * Math.log10(sum / count));
  }
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

function make(kind: NoiseKind, seed: number, seconds = 8, rms = 0.1): Float32Array {
  return generateNoise(kind, {
    length: seconds * SAMPLE_RATE,
    sampleRate: SAMPLE_RATE,
    random: createRandom(seed),
    rms,
  });
}

function rmsOf(samples: Float32Array): number {
  let sum = 0;
  for (const value of samples) sum += value * value;
  return Math.sqrt(sum / samples.length);
}

describe('noise spectra', () => {
  it('white noise is flat', () => {
    expect(Math.abs(slopePerOctave(make('white', 1)))).toBeLessThan(0.5);
  });

  it('pink noise falls about 3 dB per octave', () => {
    expect(slopePerOctave(make('pink', 2))).toBeCloseTo(-3, 0);
  });

  it('brown noise falls about 6 dB per octave', () => {
    const slope = slopePerOctave(make('brown', 3));
    expect(slope).toBeLessThan(-5);
    expect(slope).toBeGreaterThan(-7);
  });

  it('hum carries the mains fundamental and its harmonics well above the gaps between them', () => {
    const power = powerSpectrum(make('hum', 4), 4096);
    const at = (hz: number): number => power[Math.round((hz * 4096) / SAMPLE_RATE)]!;
    expect(at(100)).toBeGreaterThan(30 * at(75));
    expect(at(50)).toBeGreaterThan(10 * at(75));
  });
});

describe('noise generators', () => {
  it.each(NOISE_KINDS)('%s is deterministic per seed, finite, at the requested level and below full scale', (kind) => {
    const a = make(kind, 42, 2, 0.05);
    const b = make(kind, 42, 2, 0.05);
    const c = make(kind, 43, 2, 0.05);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Math.max(...a.map(Math.abs))).toBeLessThan(1);
    expect(rmsOf(a)).toBeCloseTo(0.05, 4);
  });

  it('keeps spiky textures below full scale even when asked for a high RMS', () => {
    const rain = make('rain', 5, 4, 0.5);
    expect(Math.max(...rain.map(Math.abs))).toBeLessThanOrEqual(0.99 + 1e-6);
  });

  it('handles zero length', () => {
    for (const kind of NOISE_KINDS) expect(make(kind, 1, 0).length).toBe(0);
  });
});

describe('createRandom', () => {
  it('repeats its sequence for a seed and stays in range', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    for (let i = 0; i < 1000; i++) {
      const value = a.next();
      expect(value).toBe(b.next());
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('int() covers both ends, pick() every element, gaussian() has unit variance', () => {
    const random = createRandom(hashSeed(1, 'test'));
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(random.int(1, 6));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const picked = new Set<string>();
    for (let i = 0; i < 200; i++) picked.add(random.pick(['a', 'b', 'c']));
    expect(picked.size).toBe(3);
    let sum = 0;
    let sumSquares = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const g = random.gaussian();
      sum += g;
      sumSquares += g * g;
    }
    expect(sum / n).toBeCloseTo(0, 1);
    expect(sumSquares / n).toBeCloseTo(1, 1);
  });

  it('derives different streams from different labels', () => {
    expect(hashSeed(1, 'yes', 0)).not.toBe(hashSeed(1, 'yes', 1));
    expect(hashSeed(1, 'yes', 0)).toBe(hashSeed(1, 'yes', 0));
    expect(hashSeed(1, '1')).not.toBe(hashSeed(1, 1));
  });
});
