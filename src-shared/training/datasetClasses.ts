import type { DataSpec } from '../model/TrainSpec.ts';

export const SILENCE_LABEL = '_silence_';
export const UNKNOWN_LABEL = '_unknown_';

/** A label that has clips, and whether it is marked an unknown (filler) word. */
export interface LabelWithClips {
  label: string;
  unknown?: boolean | undefined;
}

export interface DatasetClasses {
  /** Labels trained as themselves: the spec's wanted words, else every label not marked as an unknown word. */
  wanted: string[];
  /** Output classes in model order: `_silence_`, `_unknown_` (when used), then the wanted words. */
  classes: string[];
}

/**
 * The classes a spec trains on a library's labels, as TensorFlow speech_commands builds them:
 * `_silence_` when silence is asked for, `_unknown_` when unknown examples are asked for and some
 * label is not wanted. `labels` are the labels that have clips; the data plan and the Train page
 * both ask here, so the page shows the classes the run will have.
 */
export function datasetClasses(
  labels: readonly LabelWithClips[],
  data: Pick<DataSpec, 'wantedWords' | 'silencePercentage' | 'unknownPercentage'>,
): DatasetClasses {
  const all = [...new Set(labels.map((entry) => entry.label))].sort();
  const unknownWords = new Set(labels.filter((entry) => entry.unknown).map((entry) => entry.label));
  const wanted = data.wantedWords ?? all.filter((label) => !unknownWords.has(label));
  const wantedSet = new Set(wanted);
  const hasUnknown = data.unknownPercentage > 0 && all.some((label) => !wantedSet.has(label));
  const classes = [
    ...(data.silencePercentage > 0 ? [SILENCE_LABEL] : []),
    ...(hasUnknown ? [UNKNOWN_LABEL] : []),
    ...wanted,
  ];
  return { wanted, classes };
}
