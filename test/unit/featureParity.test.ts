import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeatureSpec } from '../../src-shared/contract/featureSpecSchema.ts';
import { createFeatureExtractor } from '../../src-shared/dsp/createFeatureExtractor.ts';
import { parseWav } from '../../src-main/services/audio/parseWav.ts';
import { fsddDir, fsddMissing, hasFsdd } from '../support/sharedData.ts';

/**
 * Parity with librosa and tf.signal, against golden fixtures written by
 * scripts/reference/featureFixtures.py (see test/fixtures/features/README.md).
 *
 * The error is measured relative to the reference's dynamic range (max − min over the matrix), so
 * one number works for dB, ln and MFCC scales alike. The goldens are the libraries' own pipelines
 * run on float64 data and stored as float32; we also compute in float64, so a correct extractor
 * lands within float32 storage rounding (2⁻²⁴ ≈ 6e-8 of a value) of them — measured: ≤ 5e-8 of the
 * range on every fixture. 1e-5 leaves room for libm differences between platforms and still fails
 * on anything wrong: a periodic/symmetric window mix-up, an HTK/Slaney mix-up, a frame offset of one
 * sample or an unnormalised DCT each err by 1e-3 of the range or more. (The libraries' everyday
 * float32 runs differ from their own float64 goldens by up to 5e-6 of the range, and by 5e-3 where
 * tf.signal takes ln of near-silent mel bins; each fixture records that as float32RelativeError.)
 */
const RELATIVE_TOLERANCE = 1e-5;

interface Fixture {
  name: string;
  reference: 'librosa' | 'tensorflow';
  spec: unknown;
  input:
    { kind: 'fsdd'; file: string } | { kind: 'synthetic'; description: string; sampleRate: number; samples: string };
  frames: number;
  bins: number;
  data: string;
}

const fixtureDir = path.join(import.meta.dirname, '..', 'fixtures', 'features');
const fixtures: Fixture[] = fs
  .readdirSync(fixtureDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(fs.readFileSync(path.join(fixtureDir, file), 'utf8')));

function floats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function input(fixture: Fixture): { samples: Float32Array; sampleRate: number } {
  if (fixture.input.kind === 'synthetic')
    return { samples: floats(fixture.input.samples), sampleRate: fixture.input.sampleRate };
  const audio = parseWav(fs.readFileSync(path.join(fsddDir, fixture.input.file)));
  return { samples: audio.mono, sampleRate: audio.sampleRate };
}

describe('feature parity with librosa and tf.signal', () => {
  it('has fixtures for both references, on real speech and synthetic signals', () => {
    expect(fixtures.filter((fixture) => fixture.reference === 'librosa').length).toBeGreaterThanOrEqual(5);
    expect(fixtures.filter((fixture) => fixture.reference === 'tensorflow').length).toBeGreaterThanOrEqual(3);
    expect(fixtures.some((fixture) => fixture.input.kind === 'fsdd')).toBe(true);
    expect(fixtures.some((fixture) => fixture.input.kind === 'synthetic')).toBe(true);
  });

  for (const fixture of fixtures) {
    const needsFsdd = fixture.input.kind === 'fsdd';
    it.skipIf(needsFsdd && !hasFsdd)(
      `${fixture.reference}: ${fixture.name}${needsFsdd && !hasFsdd ? ` (${fsddMissing})` : ''}`,
      () => {
        const spec = parseFeatureSpec(fixture.spec, fixture.name);
        const { samples, sampleRate } = input(fixture);
        const ours = createFeatureExtractor(spec)(samples, sampleRate);
        const reference = floats(fixture.data);
        expect([ours.frames, ours.bins]).toEqual([fixture.frames, fixture.bins]);
        let min = Infinity;
        let max = -Infinity;
        for (const value of reference) {
          min = Math.min(min, value);
          max = Math.max(max, value);
        }
        let worst = 0;
        let worstAt = 0;
        for (let i = 0; i < reference.length; i++) {
          const error = Math.abs(ours.data[i]! - reference[i]!);
          if (error > worst) [worst, worstAt] = [error, i];
        }
        const relative = worst / (max - min);
        const where = `frame ${Math.floor(worstAt / fixture.bins)}, bin ${worstAt % fixture.bins}: ours ${ours.data[worstAt]}, reference ${reference[worstAt]}`;
        expect(
          relative,
          `worst error ${worst.toExponential(2)} of range ${(max - min).toFixed(2)} at ${where}`,
        ).toBeLessThan(RELATIVE_TOLERANCE);
      },
    );
  }
});
