import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeatureSpec } from '../../src-shared/contract/featureSpecSchema.ts';
import { computeDeltas } from '../../src-shared/dsp/computeDeltas.ts';
import { createDct } from '../../src-shared/dsp/createDct.ts';
import { createFeatureExtractor } from '../../src-shared/dsp/createFeatureExtractor.ts';
import { createMelFilterbank } from '../../src-shared/dsp/createMelFilterbank.ts';
import { createRealFft } from '../../src-shared/dsp/createRealFft.ts';
import { createWindow } from '../../src-shared/dsp/createWindow.ts';
import { featureGeometry, featureSpecProblems } from '../../src-shared/dsp/featureGeometry.ts';
import { hzToMel, melToHz } from '../../src-shared/dsp/melScale.ts';
import { FeatureStatsAccumulator } from '../../src-shared/dsp/normalizeFeatures.ts';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import type { FeaturePreset, FeatureSpec } from '../../src-shared/model/FeatureSpec.ts';

const presetDir = join(import.meta.dirname, '../../resources/presets/features');
const presets: FeaturePreset[] = readdirSync(presetDir).map((file) =>
  JSON.parse(readFileSync(join(presetDir, file), 'utf8')),
);
const logMel40 = presets.find((preset) => preset.id === 'log-mel-40')!.spec;
const speechCommands = presets.find((preset) => preset.id === 'tf-speech-commands')!.spec;

function tone(hz: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(sampleRate * seconds) },
    (_, n) => amplitude * Math.sin((2 * Math.PI * hz * n) / sampleRate),
  );
}

describe('real FFT', () => {
  it('matches a direct DFT for every power-of-two size up to 1024', () => {
    const random = createRandom(7);
    for (let size = 4; size <= 1024; size *= 2) {
      const frame = Float64Array.from({ length: size }, () => random.uniform(-1, 1));
      const re = new Float64Array(size / 2 + 1);
      const im = new Float64Array(size / 2 + 1);
      createRealFft(size)(frame, re, im);
      let worst = 0;
      for (let k = 0; k <= size / 2; k++) {
        let sumRe = 0;
        let sumIm = 0;
        for (let n = 0; n < size; n++) {
          sumRe += frame[n]! * Math.cos((2 * Math.PI * k * n) / size);
          sumIm -= frame[n]! * Math.sin((2 * Math.PI * k * n) / size);
        }
        worst = Math.max(worst, Math.abs(sumRe - re[k]!), Math.abs(sumIm - im[k]!));
      }
      expect(worst, `size ${size}`).toBeLessThan(1e-9 * size);
    }
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => createRealFft(48)).toThrow(/power of two/);
  });
});

describe('windows', () => {
  it('are periodic by default, as librosa and tf.signal use them', () => {
    const hann = createWindow('hann', 8);
    expect(hann[0]).toBe(0);
    expect(hann[4]).toBeCloseTo(1, 12);
    expect(hann[1]).toBeCloseTo(hann[7]!, 12);
    const symmetric = createWindow('hamming', 9, false);
    expect(symmetric[0]).toBeCloseTo(0.08, 12);
    expect(symmetric[8]).toBeCloseTo(0.08, 12);
    expect(createWindow('rectangular', 5).every((value) => value === 1)).toBe(true);
  });
});

describe('mel scale and filterbank', () => {
  it('round-trips both scales and puts 1 kHz at 1000 HTK mel and 15 Slaney mel', () => {
    expect(hzToMel(1000, 'htk')).toBeCloseTo(1000, 0);
    expect(hzToMel(1000, 'slaney')).toBeCloseTo(15, 10);
    for (const hz of [0, 300, 999, 1000, 4000, 7999]) {
      expect(melToHz(hzToMel(hz, 'htk'), 'htk')).toBeCloseTo(hz, 6);
      expect(melToHz(hzToMel(hz, 'slaney'), 'slaney')).toBeCloseTo(hz, 6);
    }
  });

  it('gives Slaney-normalised triangles unit area and tf.signal triangles no DC weight', () => {
    const options = {
      sampleRate: 16000,
      fftSize: 2048,
      melBins: 40,
      lowerHz: 0,
      upperHz: 8000,
      scale: 'slaney',
      norm: 'slaney',
      triangles: 'hz',
    } as const;
    const binHz = 16000 / 2048;
    for (const filter of createMelFilterbank(options)) {
      const area = filter.weights.reduce((sum, weight) => sum + weight, 0) * binHz;
      expect(area).toBeGreaterThan(0.9);
      expect(area).toBeLessThan(1.1);
    }
    const tf = createMelFilterbank({ ...options, scale: 'htk', norm: 'none', triangles: 'mel' });
    expect(tf[0]!.start).toBeGreaterThan(0);
    expect(Math.max(...tf.flatMap((filter) => [...filter.weights]))).toBeLessThanOrEqual(1);
  });
});

describe('DCT', () => {
  it('is orthonormal in ortho mode and √2 larger at c0 in tensorflow mode', () => {
    const n = 16;
    const ortho = createDct(n, n, 'ortho');
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += ortho[a * n + i]! * ortho[b * n + i]!;
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 12);
      }
    }
    const tf = createDct(n, 4, 'tensorflow');
    expect(tf[0]! / ortho[0]!).toBeCloseTo(Math.SQRT2, 12);
    expect(tf[n + 3]! / ortho[n + 3]!).toBeCloseTo(1, 12);
  });
});

describe('deltas', () => {
  it('give the slope of a ramp and twice the curvature of a parabola, edges included', () => {
    const frames = 20;
    const ramp = Float32Array.from({ length: frames }, (_, t) => 3 * t + 1);
    expect([...computeDeltas(ramp, frames, 1, 1)].every((value) => Math.abs(value - 3) < 1e-4)).toBe(true);
    const parabola = Float32Array.from({ length: frames }, (_, t) => 0.5 * t * t - t);
    expect([...computeDeltas(parabola, frames, 1, 2)].every((value) => Math.abs(value - 1) < 1e-4)).toBe(true);
    expect(() => computeDeltas(ramp, 5, 1, 1)).toThrow(/at least 9 frames/);
  });
});

describe('feature specs', () => {
  it('ships presets that parse and have the shapes they describe', () => {
    expect(presets.map((preset) => preset.id).sort()).toEqual([
      'edge-go-stop',
      'hello-edge-ds-cnn',
      'log-mel-40',
      'tf-speech-commands',
    ]);
    for (const preset of presets) {
      const spec = parseFeatureSpec(preset.spec, preset.id);
      const { frames, bins } = featureGeometry(spec);
      expect(preset.description).toContain(`${frames} × ${bins}`);
    }
  });

  it('explains what is wrong with a spec in words', () => {
    expect(featureSpecProblems({ ...logMel40, upperHz: 9000 })).toEqual([
      'upper frequency 9000 Hz is above the Nyquist frequency (8000 Hz at 16000 Hz)',
    ]);
    expect(featureSpecProblems({ ...logMel40, fftSize: 256 })[0]).toMatch(
      /FFT size 256 is smaller than the window \(400 samples/,
    );
    expect(() => parseFeatureSpec({ ...speechCommands, mfccCount: 50, melBins: 'forty' })).toThrow(/melBins/);
    expect(() => parseFeatureSpec({ ...speechCommands, mfccCount: 50 })).toThrow(
      /50 MFCCs need at least as many mel bins/,
    );
    expect(() => parseFeatureSpec({ ...speechCommands, extra: 1 })).toThrow(/extra/);
  });
});

describe('feature extractor', () => {
  it('puts a pure tone in the mel bin that covers its frequency', () => {
    const spec: FeatureSpec = { ...logMel40, melScale: 'htk', melNorm: 'none' };
    const { frames, bins, data } = createFeatureExtractor(spec)(tone(1000, 16000, 1), 16000);
    const filters = createMelFilterbank({
      sampleRate: 16000,
      fftSize: 512,
      melBins: 40,
      lowerHz: 0,
      upperHz: 8000,
      scale: 'htk',
      norm: 'none',
      triangles: 'hz',
    });
    const toneBin = Math.round(1000 / (16000 / 512));
    const expected = filters.reduce((best, filter, m) => {
      const weight = filter.weights[toneBin - filter.start] ?? 0;
      return weight > (filters[best]!.weights[toneBin - filters[best]!.start] ?? 0) ? m : best;
    }, 0);
    const middle = Math.floor(frames / 2);
    const row = [...data.subarray(middle * bins, (middle + 1) * bins)];
    expect(row.indexOf(Math.max(...row))).toBe(expected);
  });

  it('pads short clips, resamples other rates and handles silence without NaN', () => {
    const extract = createFeatureExtractor(speechCommands);
    const short = extract(tone(440, 16000, 0.2), 16000);
    expect([short.frames, short.bins]).toEqual([98, 40]);
    const resampled = extract(tone(440, 8000, 1), 8000);
    expect(resampled.frames).toBe(98);
    const silent = extract(new Float32Array(16000), 16000);
    expect(silent.data.every(Number.isFinite)).toBe(true);
    const empty = extract(new Float32Array(0), 16000);
    expect(empty.data.every(Number.isFinite)).toBe(true);
  });

  it('standardizes per clip, and with dataset statistics streamed clip by clip', () => {
    const random = createRandom(3);
    const clips = Array.from({ length: 5 }, () =>
      Float32Array.from({ length: 16000 }, () => random.gaussian() * random.next()),
    );
    const perClip = createFeatureExtractor({ ...speechCommands, normalization: 'clip' })(clips[0]!, 16000);
    for (let b = 0; b < perClip.bins; b++) {
      const column = Array.from({ length: perClip.frames }, (_, t) => perClip.data[t * perClip.bins + b]!);
      const mean = column.reduce((sum, value) => sum + value, 0) / column.length;
      expect(Math.abs(mean)).toBeLessThan(1e-4);
    }
    const raw = createFeatureExtractor(speechCommands);
    const accumulator = new FeatureStatsAccumulator(40);
    const all: number[][] = Array.from({ length: 40 }, () => []);
    for (const clip of clips) {
      const matrix = raw(clip, 16000);
      accumulator.add(matrix.data, matrix.frames);
      for (let t = 0; t < matrix.frames; t++) for (let b = 0; b < 40; b++) all[b]!.push(matrix.data[t * 40 + b]!);
    }
    const stats = accumulator.result();
    const mean0 = all[0]!.reduce((sum, value) => sum + value, 0) / all[0]!.length;
    const std0 = Math.sqrt(all[0]!.reduce((sum, value) => sum + (value - mean0) ** 2, 0) / all[0]!.length);
    expect(stats.mean[0]).toBeCloseTo(mean0, 3);
    expect(stats.std[0]).toBeCloseTo(std0, 3);
    const dataset = createFeatureExtractor({ ...speechCommands, normalization: 'dataset' });
    expect(() => dataset(clips[0]!, 16000)).toThrow(/dataset statistics/);
    expect(dataset(clips[0]!, 16000, stats).data[0]).toBeCloseTo(
      (raw(clips[0]!, 16000).data[0]! - stats.mean[0]!) / stats.std[0]!,
      4,
    );
  });
});

describe('voice activity', () => {
  it('finds two words in hiss and bridges the short gap inside a word', async () => {
    const { detectVoiceActivity, frameEnergy } = await import('../../src-shared/dsp/detectVoiceActivity.ts');
    const rate = 16000;
    const random = createRandom(11);
    const signal = Float32Array.from({ length: rate * 2 }, () => random.gaussian() * 0.002);
    const burst = (fromMs: number, toMs: number) => {
      for (let n = (fromMs * rate) / 1000; n < (toMs * rate) / 1000; n++)
        signal[n]! += 0.3 * Math.sin((2 * Math.PI * 300 * n) / rate);
    };
    burst(200, 400);
    burst(450, 600); // 50 ms stop inside the first word
    burst(1200, 1500);
    const segments = detectVoiceActivity(signal, rate);
    expect(segments).toHaveLength(2);
    expect(segments[0]!.startMs).toBeGreaterThanOrEqual(180);
    expect(segments[0]!.startMs).toBeLessThanOrEqual(200);
    expect(segments[0]!.endMs).toBeGreaterThanOrEqual(600);
    expect(segments[0]!.endMs).toBeLessThanOrEqual(620);
    expect(segments[1]!.startMs).toBeGreaterThanOrEqual(1180);
    expect(segments[1]!.endMs).toBeLessThanOrEqual(1520);
    expect(detectVoiceActivity(new Float32Array(rate), rate)).toEqual([]);
    expect(frameEnergy(new Float32Array(0), rate).db.length).toBe(0);
  });
});
