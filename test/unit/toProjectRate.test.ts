import { describe, expect, it } from 'vitest';
import { parseWav } from '../../src-main/services/audio/parseWav.ts';
import { toProjectRate } from '../../src-main/services/audio/toProjectRate.ts';
import { buildWav, sine } from '../support/buildWav.ts';
import { dominantFrequency } from '../support/dominantFrequency.ts';

describe('toProjectRate', () => {
  it('takes a 44.1 kHz stereo tone to 16 kHz mono, keeping its frequency, level and length', () => {
    const tone = sine(440, 44100, 44100, 0.5);
    const audio = parseWav(buildWav({ channels: [tone, tone], bitsPerSample: 16, sampleRate: 44100 }));
    const mono = toProjectRate(audio, 16000);
    expect(mono.length).toBe(16000);
    expect(dominantFrequency(mono, 16000, 400, 480, 400)).toBe(440);
    let sum = 0;
    for (let i = 400; i < mono.length - 400; i++) sum += mono[i]! * mono[i]!;
    expect(Math.sqrt(sum / (mono.length - 800)) * Math.SQRT2).toBeCloseTo(0.5, 2);
  });

  it('returns the decoded samples themselves when the rates already match', () => {
    const audio = parseWav(buildWav({ channels: [sine(440, 16000, 160)], bitsPerSample: 16 }));
    expect(toProjectRate(audio, 16000)).toBe(audio.mono);
  });
});
