import { describe, expect, it } from 'vitest';
import { resample } from '../../src-shared/dsp/resample.ts';

function sine(frequency: number, sampleRate: number, length: number, amplitude = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return out;
}

/** RMS of the middle, away from the zero-padded edges where the filter has only half its support. */
function middleRms(samples: Float32Array, edge: number): number {
  let sum = 0;
  for (let i = edge; i < samples.length - edge; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / (samples.length - 2 * edge));
}

/** Single-bin DFT magnitude (as a sine amplitude) over the middle section. */
function toneAmplitude(samples: Float32Array, frequency: number, sampleRate: number, edge: number): number {
  let re = 0;
  let im = 0;
  const n = samples.length - 2 * edge;
  for (let i = edge; i < samples.length - edge; i++) {
    const phase = (2 * Math.PI * frequency * i) / sampleRate;
    re += samples[i]! * Math.cos(phase);
    im -= samples[i]! * Math.sin(phase);
  }
  return (2 * Math.hypot(re, im)) / n;
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

describe('resample', () => {
  it('keeps a 1 kHz tone at its frequency and amplitude (22050 → 16000)', () => {
    const output = resample(sine(1000, 22050, 22050, 0.5), 22050, 16000);
    expect(output.length).toBe(16000);
    // The DFT peak sits at 1000 Hz (1 Hz bins over a 1 s window).
    const edge = 400;
    let bestFrequency = 0;
    let best = 0;
    for (let f = 990; f <= 1010; f++) {
      const amplitude = toneAmplitude(output, f, 16000, edge);
      if (amplitude > best) {
        best = amplitude;
        bestFrequency = f;
      }
    }
    expect(bestFrequency).toBe(1000);
    expect(Math.abs(middleRms(output, edge) * Math.SQRT2 - 0.5) / 0.5).toBeLessThan(0.01);
  });

  it('keeps a 7.5 kHz tone when going 44100 → 16000', () => {
    const output = resample(sine(7500, 44100, 44100), 44100, 16000);
    const gainDb = db((middleRms(output, 400) * Math.SQRT2) / 1);
    expect(gainDb).toBeGreaterThan(-1);
    expect(gainDb).toBeLessThan(0.1);
    // …and it is still at 7.5 kHz.
    expect(toneAmplitude(output, 7500, 16000, 400)).toBeGreaterThan(0.85);
  });

  it('removes a 10 kHz tone instead of folding it to 6 kHz (44100 → 16000)', () => {
    const output = resample(sine(10000, 44100, 44100), 44100, 16000);
    expect(db(middleRms(output, 400) * Math.SQRT2)).toBeLessThan(-40);
  });

  it('keeps a tone when upsampling (16000 → 48000)', () => {
    const output = resample(sine(3000, 16000, 16000, 0.25), 16000, 48000);
    expect(output.length).toBe(48000);
    expect(toneAmplitude(output, 3000, 48000, 1200)).toBeCloseTo(0.25, 3);
  });

  it('produces round(n · to / from) samples', () => {
    const cases: [number, number, number][] = [
      [1000, 44100, 16000],
      [22050, 22050, 16000],
      [12345, 22050, 16000],
      [777, 8000, 44100],
      [3, 48000, 16000],
      [1, 16000, 8000],
      [0, 44100, 16000],
    ];
    for (const [n, from, to] of cases) {
      expect(resample(new Float32Array(n).fill(0.1), from, to).length).toBe(Math.round((n * to) / from));
    }
  });

  it('returns an equal copy when the rates match', () => {
    const input = sine(440, 16000, 1000);
    const output = resample(input, 16000, 16000);
    expect(output).not.toBe(input);
    expect(Array.from(output)).toEqual(Array.from(input));
  });

  it('rejects impossible rates', () => {
    expect(() => resample(new Float32Array(10), 0, 16000)).toThrow(RangeError);
    expect(() => resample(new Float32Array(10), 16000, Number.NaN)).toThrow(RangeError);
  });
});
