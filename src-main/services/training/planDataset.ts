import type { DataSpec } from '../../../src-shared/model/TrainSpec.ts';
import { createRandom, hashSeed } from '../../../src-shared/dsp/random.ts';
import type { SnapshotClip } from './runStore.ts';

export const SILENCE_LABEL = '_silence_';
export const UNKNOWN_LABEL = '_unknown_';
export type Split = 'train' | 'validation' | 'test';
export const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

/** One example: a clip (or, for `_silence_`, none) and its class. */
export interface DatasetItem {
  clipId: number | null;
  label: string;
  classIndex: number;
}

export interface DatasetPlan {
  /** Output classes in model order: `_silence_`, `_unknown_` (when used), then the wanted words. */
  classes: string[];
  items: Record<Split, DatasetItem[]>;
  /** Background-noise material for mixing. */
  noise: SnapshotClip[];
}

/**
 * Which examples each split holds, with TensorFlow speech_commands semantics (input_data.py
 * prepare_data_index): wanted words keep their label (by default every label not marked as an
 * unknown word); other labels are candidates for `_unknown_`,
 * of which ceil(unknown% · wanted) are drawn at random per split; ceil(silence% · wanted) `_silence_`
 * examples are added per split. Deterministic for a seed. Unlabeled clips and clips without a
 * split take no part.
 */
export function planDataset(clips: readonly SnapshotClip[], data: DataSpec, seed: number): DatasetPlan {
  const samples = clips.filter((clip) => clip.kind === 'sample' && clip.label !== null);
  const allLabels = [...new Set(samples.map((clip) => clip.label!))].sort();
  const unknownWords = new Set(samples.filter((clip) => clip.unknown).map((clip) => clip.label!));
  const wanted = data.wantedWords ?? allLabels.filter((label) => !unknownWords.has(label));
  const missing = wanted.filter((word) => !allLabels.includes(word));
  if (missing.length) throw new Error(`wanted word${missing.length > 1 ? 's' : ''} ${missing.map((word) => `"${word}"`).join(', ')} ha${missing.length > 1 ? 've' : 's'} no labeled clips in the snapshot`);
  if (wanted.length === 0) {
    throw new Error(
      allLabels.length === 0
        ? 'the snapshot has no labeled clips to train on'
        : 'every label is marked as an unknown word: choose wanted words, or mark a label as a keyword in the Library',
    );
  }
  const wantedSet = new Set(wanted);
  const hasUnknown = data.unknownPercentage > 0 && samples.some((clip) => !wantedSet.has(clip.label!));
  const classes = [...(data.silencePercentage > 0 ? [SILENCE_LABEL] : []), ...(hasUnknown ? [UNKNOWN_LABEL] : []), ...wanted];
  const classIndex = new Map(classes.map((label, index) => [label, index]));

  const items: Record<Split, DatasetItem[]> = { train: [], validation: [], test: [] };
  for (const split of SPLITS) {
    const inSplit = samples.filter((clip) => clip.split === split);
    const known = inSplit.filter((clip) => wantedSet.has(clip.label!));
    items[split] = known.map((clip) => ({ clipId: clip.clipId, label: clip.label!, classIndex: classIndex.get(clip.label!)! }));
    const setSize = known.length;
    const silence = Math.ceil((setSize * data.silencePercentage) / 100);
    for (let i = 0; i < silence; i++) items[split].push({ clipId: null, label: SILENCE_LABEL, classIndex: classIndex.get(SILENCE_LABEL)! });
    if (hasUnknown) {
      const random = createRandom(hashSeed(seed, 'unknown', split));
      const candidates = random.shuffle(inSplit.filter((clip) => !wantedSet.has(clip.label!)));
      const count = Math.ceil((setSize * data.unknownPercentage) / 100);
      for (const clip of candidates.slice(0, count)) items[split].push({ clipId: clip.clipId, label: UNKNOWN_LABEL, classIndex: classIndex.get(UNKNOWN_LABEL)! });
    }
  }
  if (items.train.length === 0) {
    throw new Error(
      samples.some((clip) => clip.split)
        ? 'the training split is empty: assign splits with a larger training share'
        : 'no clip has a split yet: assign train/validation/test splits in the Library first',
    );
  }
  return { classes, items, noise: clips.filter((clip) => clip.kind === 'noise') };
}
