import type { ClipKind, SplitName } from '../model/Clip.ts';
import type { DataSpec } from '../model/TrainSpec.ts';
import { createRandom, hashSeed } from '../random/createRandom.ts';
import { datasetClasses, SILENCE_LABEL, UNKNOWN_LABEL } from './datasetClasses.ts';
import { silenceAndUnknownCounts } from './silenceAndUnknownCounts.ts';

export type Split = SplitName;
export const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

/** What the plan needs of a clip; the trainer passes its snapshot rows, which carry more. */
export interface PlanClip {
  clipId: number;
  kind: ClipKind;
  label: string | null;
  /** The label was marked an unknown (filler) word when the snapshot was taken. */
  unknown: boolean;
  split: Split | null;
}

/** One example: a clip (or, for `_silence_`, none) and its class. */
export interface DatasetItem {
  clipId: number | null;
  label: string;
  classIndex: number;
}

export interface DatasetPlan<Clip extends PlanClip = PlanClip> {
  /** Output classes in model order: `_silence_`, `_unknown_` (when used), then the wanted words. */
  classes: string[];
  items: Record<Split, DatasetItem[]>;
  /** Background-noise material for mixing. */
  noise: Clip[];
}

/**
 * Which examples each split holds, with TensorFlow speech_commands semantics (input_data.py
 * prepare_data_index): wanted words keep their label (by default every label not marked as an
 * unknown word); other labels are candidates for `_unknown_`,
 * of which ceil(unknown% · wanted) are drawn at random per split; ceil(silence% · wanted) `_silence_`
 * examples are added per split. Deterministic for a seed. Unlabeled clips and clips without a
 * split take no part.
 */
export function planDataset<Clip extends PlanClip>(
  clips: readonly Clip[],
  data: DataSpec,
  seed: number,
): DatasetPlan<Clip> {
  const samples = clips.filter((clip) => clip.kind === 'sample' && clip.label !== null);
  const { wanted, classes } = datasetClasses(
    samples.map((clip) => ({ label: clip.label!, unknown: clip.unknown })),
    data,
  );
  const labelsWithClips = new Set(samples.map((clip) => clip.label!));
  const missing = wanted.filter((word) => !labelsWithClips.has(word));
  if (missing.length)
    throw new Error(
      `wanted word${missing.length > 1 ? 's' : ''} ${missing.map((word) => `"${word}"`).join(', ')} ha${missing.length > 1 ? 've' : 's'} no labeled clips in the snapshot`,
    );
  if (wanted.length === 0) {
    throw new Error(
      labelsWithClips.size === 0
        ? 'the snapshot has no labeled clips to train on'
        : 'every label is marked as an unknown word: choose wanted words, or mark a label as a keyword in the Library',
    );
  }
  const wantedSet = new Set(wanted);
  const hasUnknown = classes.includes(UNKNOWN_LABEL);
  const classIndex = new Map(classes.map((label, index) => [label, index]));

  const items: Record<Split, DatasetItem[]> = { train: [], validation: [], test: [] };
  for (const split of SPLITS) {
    const inSplit = samples.filter((clip) => clip.split === split);
    const known = inSplit.filter((clip) => wantedSet.has(clip.label!));
    items[split] = known.map((clip) => ({
      clipId: clip.clipId,
      label: clip.label!,
      classIndex: classIndex.get(clip.label!)!,
    }));
    const candidates = inSplit.filter((clip) => !wantedSet.has(clip.label!));
    const counts = silenceAndUnknownCounts(known.length, candidates.length, data);
    for (let i = 0; i < counts.silence; i++)
      items[split].push({ clipId: null, label: SILENCE_LABEL, classIndex: classIndex.get(SILENCE_LABEL)! });
    if (hasUnknown) {
      const random = createRandom(hashSeed(seed, 'unknown', split));
      for (const clip of random.shuffle(candidates).slice(0, counts.unknown)) {
        items[split].push({ clipId: clip.clipId, label: UNKNOWN_LABEL, classIndex: classIndex.get(UNKNOWN_LABEL)! });
      }
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
