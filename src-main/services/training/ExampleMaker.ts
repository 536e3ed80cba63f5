import { createFeatureExtractor, type FeatureExtractor } from '../../../src-shared/dsp/createFeatureExtractor.ts';
import { featureGeometry } from '../../../src-shared/dsp/featureGeometry.ts';
import { normalizeRows } from '../../../src-shared/dsp/normalizeFeatures.ts';
import type { Random } from '../../../src-shared/random/createRandom.ts';
import { resample } from '../../../src-shared/dsp/resample.ts';
import type { FeatureSpec, FeatureStats } from '../../../src-shared/model/FeatureSpec.ts';
import type { DataSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { DatasetItem } from '../../../src-shared/training/planDataset.ts';

/**
 * Turns dataset items into feature matrices, with the audio augmentation of TensorFlow's
 * speech_commands (input_data.py get_data) for training examples: speed perturbation, a random time
 * shift, background noise mixed at a random volume for a share of the clips, then SpecAugment masks
 * on the features. `_silence_` examples are background noise at a random volume in every split, as
 * there. Features are computed without normalization; clip or dataset normalization is applied here.
 */
export class ExampleMaker {
  readonly frames: number;
  readonly bins: number;
  readonly clipSamples: number;
  private readonly extract: FeatureExtractor;
  stats: FeatureStats | null = null;

  constructor(
    private readonly features: FeatureSpec,
    private readonly data: DataSpec,
    /** Each clip's audio at the feature sample rate. */
    private readonly audio: ReadonlyMap<number, Float32Array>,
    /** Background noise recordings at the feature sample rate. */
    private readonly noise: readonly Float32Array[],
  ) {
    const geometry = featureGeometry(features);
    this.frames = geometry.frames;
    this.bins = geometry.bins;
    this.clipSamples = geometry.clipSamples;
    this.extract = createFeatureExtractor({ ...features, normalization: 'none' });
  }

  /** Whether training examples differ between epochs (so they cannot be computed once). */
  get augmentsAudio(): boolean {
    const { timeShiftMs, backgroundFrequency, backgroundVolume, speedPerturbation } = this.data;
    return (
      timeShiftMs > 0 ||
      (this.noise.length > 0 && backgroundFrequency > 0 && backgroundVolume > 0) ||
      speedPerturbation !== null
    );
  }

  get augmentsFeatures(): boolean {
    const { timeMasks, frequencyMasks } = this.data.specAugment;
    return timeMasks > 0 || frequencyMasks > 0;
  }

  /** The example's audio: clipSamples long, augmented when `training`. */
  audioOf(item: DatasetItem, training: boolean, random: Random): Float32Array {
    const out = new Float32Array(this.clipSamples);
    if (item.clipId !== null) {
      let clip = this.audio.get(item.clipId);
      if (!clip) throw new Error(`clip ${item.clipId} has no audio loaded`);
      const speed = training ? this.data.speedPerturbation : null;
      if (speed) {
        const factor = random.uniform(speed.min, speed.max);
        // Played faster by `factor`: the same samples, read as if recorded at rate·factor.
        if (factor !== 1) clip = resample(clip, this.features.sampleRate * factor, this.features.sampleRate);
      }
      const maxShift = training ? Math.round((this.data.timeShiftMs * this.features.sampleRate) / 1000) : 0;
      const shift = maxShift > 0 ? random.int(-maxShift, maxShift) : 0;
      // out[n] = clip[n − shift], zero outside the clip.
      const from = Math.max(0, shift);
      const to = Math.min(this.clipSamples, clip.length + shift);
      for (let n = from; n < to; n++) out[n] = clip[n - shift]!;
    }
    const silence = item.clipId === null;
    if (this.noise.length > 0 && (training || silence)) {
      const volume = silence
        ? random.next()
        : random.next() < this.data.backgroundFrequency
          ? random.uniform(0, this.data.backgroundVolume)
          : 0;
      if (volume > 0) {
        const noise = this.noise[random.int(0, this.noise.length - 1)]!;
        const offset = noise.length > this.clipSamples ? random.int(0, noise.length - this.clipSamples) : 0;
        for (let n = 0; n < this.clipSamples; n++) {
          const mixed = out[n]! + volume * (noise[(offset + n) % noise.length] ?? 0);
          out[n] = mixed > 1 ? 1 : mixed < -1 ? -1 : mixed;
        }
      }
    }
    return out;
  }

  /** Features before any normalization: what dataset statistics are computed from. */
  rawFeatures(item: DatasetItem, training: boolean, random: Random): Float32Array {
    return this.rawFeaturesOfAudio(this.audioOf(item, training, random));
  }

  rawFeaturesOfAudio(audio: Float32Array): Float32Array {
    return this.extract(audio, this.features.sampleRate).data;
  }

  /** Normalizes (clip or dataset) and, for training, applies SpecAugment masks, in place. */
  finish(features: Float32Array, training: boolean, random: Random): Float32Array {
    if (this.features.normalization === 'clip') normalizeRows(features, this.frames, this.bins);
    else if (this.features.normalization === 'dataset') {
      if (!this.stats) throw new Error('dataset normalization needs statistics from the training split first');
      normalizeRows(features, this.frames, this.bins, this.stats);
    }
    if (training && this.augmentsFeatures) this.specAugment(features, random);
    return features;
  }

  /** Masks fill with the matrix mean, so a mask reads as "no information" whatever the scale. */
  private specAugment(features: Float32Array, random: Random): void {
    const { timeMasks, timeMaskFrames, frequencyMasks, frequencyMaskBins } = this.data.specAugment;
    let sum = 0;
    for (const value of features) sum += value;
    const mean = sum / features.length;
    for (let mask = 0; mask < timeMasks; mask++) {
      const width = random.int(0, Math.min(timeMaskFrames, this.frames));
      const start = random.int(0, this.frames - width);
      features.fill(mean, start * this.bins, (start + width) * this.bins);
    }
    for (let mask = 0; mask < frequencyMasks; mask++) {
      const width = random.int(0, Math.min(frequencyMaskBins, this.bins));
      const start = random.int(0, this.bins - width);
      for (let t = 0; t < this.frames; t++) features.fill(mean, t * this.bins + start, t * this.bins + start + width);
    }
  }
}
