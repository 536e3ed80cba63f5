/**
 * Seeded noise generators for background-noise files and augmentation. Every generator draws only
 * from the given Random, so a seed reproduces the same samples.
 */
import type { Random } from '../random/createRandom.ts';

export type NoiseKind = 'white' | 'pink' | 'brown' | 'rain' | 'hum';

export const NOISE_KINDS: readonly NoiseKind[] = ['white', 'pink', 'brown', 'rain', 'hum'];

export interface NoiseOptions {
  /** Samples to produce. */
  length: number;
  sampleRate: number;
  random: Random;
  /** Target RMS (linear, full scale = 1); default 0.1 (−20 dBFS). */
  rms?: number;
  /** Mains frequency for 'hum' (50 or 60 Hz); default 50. */
  mainsHz?: number;
}

const DEFAULT_RMS = 0.1;
/** Peaks are kept below this so no generator can clip a 16-bit file. */
const PEAK_LIMIT = 0.99;

export function generateNoise(kind: NoiseKind, options: NoiseOptions): Float32Array {
  switch (kind) {
    case 'white':
      return whiteNoise(options);
    case 'pink':
      return pinkNoise(options);
    case 'brown':
      return brownNoise(options);
    case 'rain':
      return rainNoise(options);
    case 'hum':
      return humNoise(options);
  }
}

/** Gaussian white noise: flat spectrum. */
export function whiteNoise(options: NoiseOptions): Float32Array {
  const out = new Float32Array(checkLength(options.length));
  for (let i = 0; i < out.length; i++) out[i] = options.random.gaussian();
  return normalizeRms(out, options.rms ?? DEFAULT_RMS);
}

/**
 * Pink noise (−3 dB/octave) with Paul Kellet's refined filter: six one-pole sections whose summed
 * response stays within ±0.05 dB of 1/f from about fs/4800 up to near Nyquist.
 */
export function pinkNoise(options: NoiseOptions): Float32Array {
  const out = new Float32Array(checkLength(options.length));
  let b0 = 0,
    b1 = 0,
    b2 = 0,
    b3 = 0,
    b4 = 0,
    b5 = 0,
    b6 = 0;
  for (let i = 0; i < out.length; i++) {
    const white = options.random.gaussian();
    b0 = 0.99886 * b0 + white * 0.0555179;
    b1 = 0.99332 * b1 + white * 0.0750759;
    b2 = 0.969 * b2 + white * 0.153852;
    b3 = 0.8665 * b3 + white * 0.3104856;
    b4 = 0.55 * b4 + white * 0.5329522;
    b5 = -0.7616 * b5 - white * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
    b6 = white * 0.115926;
  }
  return normalizeRms(removeMean(out), options.rms ?? DEFAULT_RMS);
}

/**
 * Brown noise (−6 dB/octave): integrated white noise. The integrator leaks with a 20 Hz corner so
 * the signal cannot wander off to full scale and spend its energy below the audible range.
 */
export function brownNoise(options: NoiseOptions): Float32Array {
  const out = new Float32Array(checkLength(options.length));
  const leak = Math.exp((-2 * Math.PI * 20) / options.sampleRate);
  let level = 0;
  for (let i = 0; i < out.length; i++) {
    level = leak * level + options.random.gaussian();
    out[i] = level;
  }
  return normalizeRms(removeMean(out), options.rms ?? DEFAULT_RMS);
}

/**
 * Rain: a high-passed pink hiss that swells slowly, plus a Poisson stream of droplets — short
 * band-passed noise ticks, some with the rising "plink" of a bubble.
 */
export function rainNoise(options: NoiseOptions): Float32Array {
  const { sampleRate, random } = options;
  const length = checkLength(options.length);
  const hiss = pinkNoise({ length, sampleRate, random, rms: 1 });
  biquad(hiss, 'highpass', 400, 0.7, sampleRate);
  biquad(hiss, 'lowpass', Math.min(7000, sampleRate * 0.45), 0.7, sampleRate);
  normalizeRms(hiss, 1, Infinity);
  const swell = slowModulation(length, sampleRate, random, 0.35);
  for (let i = 0; i < length; i++) hiss[i] = hiss[i]! * swell[i]!;
  normalizeRms(hiss, 1, Infinity);

  const drops = new Float32Array(length);
  const dropsPerSecond = random.uniform(40, 90);
  let at = 0;
  for (;;) {
    at += Math.round((-Math.log(1 - random.next()) / dropsPerSecond) * sampleRate);
    if (at >= length) break;
    addDroplet(drops, at, sampleRate, random);
  }
  const mixed = new Float32Array(length);
  for (let i = 0; i < length; i++) mixed[i] = hiss[i]! * 0.6 + drops[i]!;
  return normalizeRms(mixed, options.rms ?? DEFAULT_RMS);
}

function addDroplet(target: Float32Array, at: number, sampleRate: number, random: Random): void {
  // Log-normal loudness: most drops are faint, a few are close and loud.
  const amplitude = 0.5 * Math.exp(random.gaussian() * 0.7);
  const decay = random.uniform(0.0008, 0.004) * sampleRate;
  const length = Math.min(target.length - at, Math.ceil(decay * 7));
  const tick = new Float32Array(length);
  for (let i = 0; i < length; i++) tick[i] = random.gaussian() * Math.exp(-i / decay);
  biquad(
    tick,
    'bandpass',
    Math.min(random.uniform(1500, 6000), sampleRate * 0.4),
    random.uniform(0.8, 2.5),
    sampleRate,
  );
  for (let i = 0; i < length; i++) target[at + i] = target[at + i]! + tick[i]! * amplitude;

  if (random.next() < 0.15) {
    // A bubble rings at its Minnaert frequency, which rises as it shrinks.
    const f0 = random.uniform(600, 2500);
    const ringDecay = random.uniform(0.003, 0.01) * sampleRate;
    const ringLength = Math.min(target.length - at, Math.ceil(ringDecay * 6));
    let phase = 0;
    for (let i = 0; i < ringLength; i++) {
      phase += (2 * Math.PI * f0 * (1 + (15 * i) / sampleRate)) / sampleRate;
      target[at + i] = target[at + i]! + 0.6 * amplitude * Math.sin(phase) * Math.exp(-i / ringDecay);
    }
  }
}

/**
 * Room tone: mains hum (fundamental plus decaying harmonics, the second usually strongest as in
 * transformer hum) over fan noise — low-passed pink noise pulsing at the blade-pass rate.
 */
export function humNoise(options: NoiseOptions): Float32Array {
  const { sampleRate, random } = options;
  const length = checkLength(options.length);
  const mains = options.mainsHz ?? 50;

  const hum = new Float32Array(length);
  for (let k = 1; mains * k < Math.min(1200, sampleRate / 2); k++) {
    const amplitude = (k === 2 ? 1 : 0.6 / k) * random.uniform(0.6, 1.2);
    const phase = random.uniform(0, 2 * Math.PI);
    const w = (2 * Math.PI * mains * k) / sampleRate;
    for (let i = 0; i < length; i++) hum[i] = hum[i]! + amplitude * Math.sin(w * i + phase);
  }
  normalizeRms(hum, 1, Infinity);

  const fan = pinkNoise({ length, sampleRate, random, rms: 1 });
  biquad(fan, 'highpass', 120, 0.7, sampleRate);
  biquad(fan, 'lowpass', random.uniform(700, 1500), 0.7, sampleRate);
  normalizeRms(fan, 1, Infinity);
  const bladeRate = random.uniform(90, 180);
  const bladePhase = random.uniform(0, 2 * Math.PI);
  const drift = slowModulation(length, sampleRate, random, 0.1);
  for (let i = 0; i < length; i++) {
    const blade = Math.sin((2 * Math.PI * bladeRate * i) / sampleRate + bladePhase);
    fan[i] = fan[i]! * (1 + 0.25 * blade) * drift[i]! + 0.08 * blade;
  }
  normalizeRms(fan, 1, Infinity);

  const humLevel = random.uniform(0.5, 0.8);
  const mixed = new Float32Array(length);
  for (let i = 0; i < length; i++) mixed[i] = fan[i]! + humLevel * hum[i]!;
  return normalizeRms(mixed, options.rms ?? DEFAULT_RMS);
}

/**
 * Scales `samples` in place to the given RMS, but never so far that the peak passes `peakLimit`
 * (spiky textures such as rain then end up a little quieter than asked). Silence stays silent.
 */
export function normalizeRms(samples: Float32Array, rms: number, peakLimit = PEAK_LIMIT): Float32Array {
  let sumSquares = 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const value = samples[i]!;
    sumSquares += value * value;
    peak = Math.max(peak, Math.abs(value));
  }
  if (peak === 0) return samples;
  let gain = rms / Math.sqrt(sumSquares / samples.length);
  if (peak * gain > peakLimit) gain = peakLimit / peak;
  for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! * gain;
  return samples;
}

function removeMean(samples: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]!;
  const mean = samples.length > 0 ? sum / samples.length : 0;
  for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! - mean;
  return samples;
}

/** A smooth positive envelope around 1 (three slow sinusoids, 0.05–0.5 Hz) of the given depth. */
function slowModulation(length: number, sampleRate: number, random: Random, depth: number): Float32Array {
  const out = new Float32Array(length).fill(1);
  for (let k = 0; k < 3; k++) {
    const w = (2 * Math.PI * random.uniform(0.05, 0.5)) / sampleRate;
    const phase = random.uniform(0, 2 * Math.PI);
    for (let i = 0; i < length; i++) out[i] = out[i]! + (depth / 3) * Math.sin(w * i + phase);
  }
  return out;
}

type BiquadType = 'lowpass' | 'highpass' | 'bandpass';

/** RBJ-cookbook biquad applied in place (transposed direct form II, double-precision state). */
function biquad(samples: Float32Array, type: BiquadType, frequency: number, q: number, sampleRate: number): void {
  const w0 = (2 * Math.PI * frequency) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  let b0: number, b1: number, b2: number;
  if (type === 'lowpass') {
    b0 = (1 - cos) / 2;
    b1 = 1 - cos;
    b2 = b0;
  } else if (type === 'highpass') {
    b0 = (1 + cos) / 2;
    b1 = -(1 + cos);
    b2 = b0;
  } else {
    b0 = alpha;
    b1 = 0;
    b2 = -alpha;
  }
  const a0 = 1 + alpha;
  const a1 = -2 * cos;
  const a2 = 1 - alpha;
  b0 /= a0;
  b1 /= a0;
  b2 /= a0;
  const c1 = a1 / a0;
  const c2 = a2 / a0;
  let z1 = 0;
  let z2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    const y = b0 * x + z1;
    z1 = b1 * x - c1 * y + z2;
    z2 = b2 * x - c2 * y;
    samples[i] = y;
  }
}

function checkLength(length: number): number {
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`noise length must be a whole number ≥ 0, got ${length}`);
  return length;
}
