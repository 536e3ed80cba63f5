import type { LabelSplitRow } from '../model/LibraryStatistics.ts';
import type { DataSpec } from '../model/TrainSpec.ts';
import { SILENCE_LABEL, UNKNOWN_LABEL } from './datasetClasses.ts';
import type { Split } from './planDataset.ts';
import { silenceAndUnknownCounts } from './silenceAndUnknownCounts.ts';

export interface SplitExampleCount {
  /** Clips of the wanted words. */
  known: number;
  /** Everything the split trains or scores on: the wanted words' clips, `_silence_` and `_unknown_`. */
  examples: number;
}

/**
 * Examples per split the data plan will make, from the library's clip counts per label and split
 * (no clip list needed): the Train page shows them, and the run's length, while a spec is edited.
 * `classes` come from `datasetClasses`.
 */
export function planExampleCounts(
  byLabel: readonly LabelSplitRow[],
  classes: readonly string[],
  data: Pick<DataSpec, 'silencePercentage' | 'unknownPercentage'>,
): Record<Split, SplitExampleCount> {
  const wanted = new Set(classes);
  const count = (split: Split): SplitExampleCount => {
    let known = 0;
    let others = 0;
    for (const row of byLabel) {
      if (row.label === null) continue;
      if (wanted.has(row.label)) known += row[split];
      else others += row[split];
    }
    const extra = silenceAndUnknownCounts(known, others, data);
    const silence = wanted.has(SILENCE_LABEL) ? extra.silence : 0;
    const unknown = wanted.has(UNKNOWN_LABEL) ? extra.unknown : 0;
    return { known, examples: known + silence + unknown };
  };
  return { train: count('train'), validation: count('validation'), test: count('test') };
}
