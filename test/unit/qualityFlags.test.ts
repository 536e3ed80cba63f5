import { describe, expect, it } from 'vitest';
import {
  computeQualityFlags,
  durationLimits,
  type QualityFlagName,
} from '../../src-main/services/library/qualityFlags.ts';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import { synthWord } from '../support/synthWord.ts';

const RATE = 16000;
const options = { clipDurationMs: 1000 };
const names = (mono: Float32Array, rate = RATE) =>
  computeQualityFlags(mono, rate, options)
    .map((flag) => flag.flag)
    .sort();
const flagOf = (mono: Float32Array, name: QualityFlagName) =>
  computeQualityFlags(mono, RATE, options).find((flag) => flag.flag === name);
const scaled = (mono: Float32Array, gain: number) => mono.map((value) => value * gain);

describe('quality flags', () => {
  const clean = synthWord(1);

  it('leaves a clean word at a normal level alone', () => {
    expect(names(clean)).toEqual([]);
    // Also with a little background noise and a small offset.
    const random = createRandom(3);
    expect(names(clean.map((value) => value + 0.003 * random.gaussian() + 0.005))).toEqual([]);
  });

  it('flags hard clipping at full scale', () => {
    const hot = clean.map((value) => Math.max(-1, Math.min(1, value * 4)));
    const flag = flagOf(hot, 'clipped');
    expect(flag?.value).toBeGreaterThan(0.001);
    expect(names(hot)).toEqual(['clipped']);
  });

  it('flags clipping that was turned down afterwards (flat tops below full scale)', () => {
    const flattened = clean.map((value) => Math.max(-0.6, Math.min(0.6, value)));
    expect(names(flattened)).toEqual(['clipped']);
    // The same word simply turned down has no flat tops.
    expect(names(scaled(clean, 0.7))).toEqual([]);
  });

  it('tolerates a couple of isolated full-scale samples', () => {
    const peaks = clean.slice();
    peaks[5000] = 1;
    peaks[9000] = -1;
    expect(names(peaks)).toEqual([]);
  });

  it('flags silence (peak below −60 dBFS) and not also quiet', () => {
    expect(names(new Float32Array(RATE))).toEqual(['silent']);
    const hiss = scaled(clean, 10 ** (-65 / 20));
    const flags = computeQualityFlags(hiss, RATE, options);
    expect(flags.map((flag) => flag.flag)).toEqual(['silent']);
    expect(flags[0]!.value).toBeCloseTo(-65 + 20 * Math.log10(0.8), 6);
  });

  it('flags a quiet word (loudest 100 ms below −40 dBFS) but not a normal one', () => {
    const quiet = scaled(clean, 10 ** (-42 / 20));
    expect(names(quiet)).toEqual(['quiet']);
    expect(flagOf(quiet, 'quiet')!.value).toBeLessThan(-40);
    expect(names(scaled(clean, 10 ** (-20 / 20)))).toEqual([]);
  });

  it('flags a DC offset above 2% of full scale', () => {
    const offset = clean.map((value) => value * 0.5 + 0.05);
    expect(names(offset)).toEqual(['dc_offset']);
    expect(flagOf(offset, 'dc_offset')!.value).toBeCloseTo(0.05 + mean(clean) * 0.5, 3);
    expect(names(clean.map((value) => value * 0.5 - 0.015))).toEqual([]);
  });

  it('flags clips too short to hold a word (under a tenth of the clip length) or longer than 1.5× it', () => {
    expect(names(synthWord(2, { seconds: 0.08, leadInMs: 10, wordMs: 60 }))).toEqual(['too_short']);
    expect(flagOf(synthWord(2, { seconds: 0.08, leadInMs: 10, wordMs: 60 }), 'too_short')!.value).toBeCloseTo(80, 6);
    expect(names(synthWord(2, { seconds: 1.6 }))).toEqual(['too_long']);
    expect(names(synthWord(2, { seconds: 1.4 }))).toEqual([]);
    // Short words trimmed tight are normal keyword clips (train.py pads them): the quickest digits of FSDD last ~150 ms.
    expect(names(synthWord(2, { seconds: 0.15, leadInMs: 10, wordMs: 130 }))).toEqual([]);
    expect(names(synthWord(2, { seconds: 0.4, leadInMs: 20, wordMs: 300 }))).toEqual([]);
    expect(names(synthWord(2, { seconds: 0.6, leadInMs: 50 }))).toEqual([]);
  });

  it('scales the duration bounds with the project clip length', () => {
    expect(durationLimits(1000)).toEqual({ tooShortBelowMs: 100, tooLongAboveMs: 1500 });
    const phrase = synthWord(3, { seconds: 0.15, leadInMs: 10, wordMs: 130 });
    // A 150 ms clip is a word in a 1 s project, a fragment in a project of 2 s phrases.
    expect(computeQualityFlags(phrase, RATE, { clipDurationMs: 2000 }).map((flag) => flag.flag)).toEqual(['too_short']);
    expect(
      computeQualityFlags(synthWord(3, { seconds: 0.8 }), RATE, { clipDurationMs: 500 }).map((flag) => flag.flag),
    ).toEqual(['too_long']);
  });

  it('works at other sample rates', () => {
    expect(names(synthWord(4, { sampleRate: 8000 }), 8000)).toEqual([]);
    expect(names(synthWord(4, { sampleRate: 8000, seconds: 0.3, leadInMs: 10, wordMs: 250 }), 8000)).toEqual([]);
    expect(names(synthWord(4, { sampleRate: 8000, seconds: 0.09, leadInMs: 10, wordMs: 70 }), 8000)).toEqual([
      'too_short',
    ]);
  });
});

function mean(values: Float32Array): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
