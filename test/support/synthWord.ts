import { createRandom } from '../../src-shared/random/createRandom.ts';

export interface SynthWordOptions {
  sampleRate?: number;
  /** Clip length; the word starts after `leadInMs`. */
  seconds?: number;
  leadInMs?: number;
  wordMs?: number;
}

/**
 * A deterministic word-like test signal: a few voiced segments, each a harmonic series with its
 * own pitch glide and two formant peaks, under a smooth envelope. Different seeds give different
 * "words"; no speech synthesiser is needed.
 */
export function synthWord(
  seed: number,
  { sampleRate = 16000, seconds = 1, leadInMs = 200, wordMs = 500 }: SynthWordOptions = {},
): Float32Array {
  const random = createRandom(seed);
  const out = new Float32Array(Math.round(sampleRate * seconds));
  const segments = 3;
  const segmentLength = Math.round((wordMs / 1000 / segments) * sampleRate);
  const start = Math.round((leadInMs / 1000) * sampleRate);
  let phase = 0;
  for (let s = 0; s < segments; s++) {
    const f0Start = random.uniform(100, 220);
    const f0End = f0Start * random.uniform(0.8, 1.25);
    const formants = [random.uniform(300, 900), random.uniform(900, 2600)];
    const loudness = random.uniform(0.5, 1);
    for (let i = 0; i < segmentLength; i++) {
      const t = i / segmentLength;
      const f0 = f0Start + (f0End - f0Start) * t;
      phase += (2 * Math.PI * f0) / sampleRate;
      let value = 0;
      for (let k = 1; k * f0 < 4000; k++) {
        const f = k * f0;
        const gain = formants.reduce((sum, formant) => sum + 1 / (1 + ((f - formant) / 120) ** 2), 0.02);
        value += gain * Math.sin(k * phase);
      }
      // Raised-cosine edges so segments join without clicks.
      const edge = Math.min(1, t / 0.15, (1 - t) / 0.15);
      const envelope = 0.5 - 0.5 * Math.cos(Math.PI * Math.max(0, edge));
      const index = start + s * segmentLength + i;
      if (index < out.length) out[index] = value * envelope * loudness;
    }
  }
  let peak = 0;
  for (const value of out) peak = Math.max(peak, Math.abs(value));
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! / peak) * 0.8;
  return out;
}
