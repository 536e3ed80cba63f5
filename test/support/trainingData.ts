import fs from 'node:fs';
import path from 'node:path';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import type { SweepAxis, SweepSpec } from '../../src-shared/model/SweepSpec.ts';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { loadFeaturePresets } from '../../src-main/services/features/loadFeaturePresets.ts';
import { synthWord } from './synthWord.ts';
import { encodeTestWav } from './writeTestWav.ts';

export interface SourceOptions {
  /** Word → synthesis seed; "other" is the usual extra word for `_unknown_`. */
  words?: Record<string, number>;
  /** Clips per word, and for "other". */
  perWord?: number;
  other?: number;
}

/**
 * Synthetic "words" (fixed shapes from synthWord, varied per speaker by onset, gain and hiss) in a
 * folder per word, eight speakers named the Speech Commands way, and a background-noise file.
 */
export function writeSource(
  dir: string,
  { words = { yes: 11, no: 22, up: 33, other: 44 }, perWord = 24, other = 12 }: SourceOptions = {},
): string {
  const source = path.join(dir, 'source');
  const random = createRandom(5);
  for (const [word, seed] of Object.entries(words)) {
    fs.mkdirSync(path.join(source, word), { recursive: true });
    const count = word === 'other' ? other : perWord;
    for (let i = 0; i < count; i++) {
      const base = synthWord(seed, { leadInMs: random.int(100, 350) });
      const gain = random.uniform(0.4, 1);
      const samples = base.map((value) => value * gain + random.gaussian() * 0.01);
      fs.writeFileSync(path.join(source, word, `spk${i % 8}_nohash_${i}.wav`), encodeTestWav(samples));
    }
  }
  fs.mkdirSync(path.join(source, '_background_noise_'), { recursive: true });
  fs.writeFileSync(
    path.join(source, '_background_noise_', 'hiss.wav'),
    encodeTestWav(Float32Array.from({ length: 48000 }, () => random.gaussian() * 0.2)),
  );
  return source;
}

export function smallSpec(epochs: number): TrainSpec {
  const features = {
    ...loadFeaturePresets().find((preset) => preset.id === 'hello-edge-ds-cnn')!.spec,
    normalization: 'dataset' as const,
  };
  return {
    name: 'small DS-CNN',
    seed: 7,
    features,
    model: {
      kind: 'ds_cnn',
      firstConv: { filters: 16, kernel: [10, 4], stride: [2, 2] },
      blocks: [16, 16],
      blockKernel: [3, 3],
      widthMultiplier: 1,
      dropout: 0.1,
    },
    data: {
      wantedWords: ['yes', 'no', 'up'],
      silencePercentage: 10,
      unknownPercentage: 10,
      backgroundVolume: 0.1,
      backgroundFrequency: 0.5,
      timeShiftMs: 50,
      specAugment: { timeMasks: 1, timeMaskFrames: 3, frequencyMasks: 1, frequencyMaskBins: 2 },
      speedPerturbation: null,
      balance: 'none',
    },
    optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    schedule: { kind: 'constant', rate: 0.005 },
    batchSize: 16,
    epochs,
    gradientAccumulation: 1,
    l2: 0,
    labelSmoothing: 0,
    earlyStopping: null,
    pruning: null,
  };
}

/**
 * A project of synthetic words made through the services, as a user's import would: imported from
 * writeSource and split 50/25/25, closed again so a serve process can open it.
 */
export async function createWordsProject(home: string, projectDir: string, options: SourceOptions = {}): Promise<void> {
  const studio = createServices({ home });
  await studio.services.project.create({ path: projectDir });
  await studio.services.project.importFolder({ path: writeSource(path.dirname(projectDir), options) });
  await studio.services.library.assignSplits({ validationPercent: 25, testPercent: 25 });
  await studio.services.project.close();
  studio.dispose();
}

/** A grid sweep over the small spec with no constraints, ranked on accuracy, size and latency. */
export function gridSweep(name: string, epochs: number, axes: SweepAxis[]): SweepSpec {
  return {
    name,
    base: smallSpec(epochs),
    axes,
    strategy: { kind: 'grid' },
    constraints: { maxGzipKb: null, maxLatencyMs: null, minValAccuracy: null },
    objectives: ['val_accuracy', 'gzip_kb', 'latency_ms'],
  };
}
