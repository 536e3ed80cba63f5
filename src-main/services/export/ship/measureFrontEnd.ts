import { createFeatureExtractor } from '../../../../src-shared/dsp/createFeatureExtractor.ts';
import { featureGeometry } from '../../../../src-shared/dsp/featureGeometry.ts';
import type { FeatureSpec } from '../../../../src-shared/model/FeatureSpec.ts';
import { createRandom } from '../../../../src-shared/random/createRandom.ts';

/**
 * The front end's time for one clip on this machine: the median of 21 feature extractions of one
 * clip-long signal after 5 warm-ups. The content does not change the work, so a seeded noise clip
 * stands in for speech.
 */
export function measureFrontEnd(spec: FeatureSpec): number {
  // Normalization is a pass over the finished matrix; dataset statistics are not at hand here.
  const extract = createFeatureExtractor({ ...spec, normalization: 'none' });
  const { clipSamples } = featureGeometry(spec);
  const random = createRandom(1);
  const audio = Float32Array.from({ length: clipSamples }, () => random.uniform(-0.1, 0.1));
  for (let i = 0; i < 5; i++) extract(audio, spec.sampleRate);
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const start = performance.now();
    extract(audio, spec.sampleRate);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[10]!;
}
