import { describe, expect, it } from 'vitest';
import type { LabelSplitRow } from '../../src-shared/model/LibraryStatistics.ts';
import type { DataSpec } from '../../src-shared/model/TrainSpec.ts';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import { datasetClasses } from '../../src-shared/training/datasetClasses.ts';
import { planDataset, SPLITS, type PlanClip } from '../../src-shared/training/planDataset.ts';
import { planExampleCounts } from '../../src-shared/training/planExampleCounts.ts';

const baseData: DataSpec = {
  wantedWords: null,
  silencePercentage: 10,
  unknownPercentage: 50,
  backgroundVolume: 0.1,
  backgroundFrequency: 0,
  timeShiftMs: 0,
  specAugment: { timeMasks: 0, timeMaskFrames: 0, frequencyMasks: 0, frequencyMaskBins: 0 },
  speedPerturbation: null,
  balance: 'none',
};

/** What the Train page receives instead of clips: the library's counts per label and split. */
function labelRows(clips: readonly PlanClip[]): LabelSplitRow[] {
  const rows = new Map<string | null, LabelSplitRow>();
  for (const clip of clips) {
    if (clip.kind !== 'sample') continue;
    const row = rows.get(clip.label) ?? {
      label: clip.label,
      train: 0,
      validation: 0,
      test: 0,
      unassigned: 0,
      speakers: 0,
    };
    if (clip.split) row[clip.split]++;
    else row.unassigned++;
    rows.set(clip.label, row);
  }
  return [...rows.values()];
}

describe('the Train page counts with the data plan rules', () => {
  it('gives the classes and examples per split that planDataset builds, on 500 random libraries', () => {
    const random = createRandom(15);
    let planned = 0;
    for (let trial = 0; trial < 500; trial++) {
      const words = ['yes', 'no', 'up', 'down', 'bird'].slice(0, random.int(1, 5));
      const unknownWords = new Set(words.filter(() => random.next() < 0.3));
      const clips: PlanClip[] = Array.from({ length: random.int(1, 80) }, (_, index) => {
        const label = random.next() < 0.1 ? null : random.pick(words);
        return {
          clipId: index + 1,
          kind: random.next() < 0.1 ? 'noise' : 'sample',
          label,
          unknown: label !== null && unknownWords.has(label),
          split: random.pick(['train', 'train', 'validation', 'test', null] as const),
        };
      });
      const data: DataSpec = {
        ...baseData,
        wantedWords: random.next() < 0.3 ? words.filter(() => random.next() < 0.6) : null,
        silencePercentage: random.pick([0, 10, 25]),
        unknownPercentage: random.pick([0, 10, 50, 300]),
      };
      let plan;
      try {
        plan = planDataset(clips, data, trial);
      } catch {
        continue; // A library the plan refuses; the page shows the refusal when the run starts.
      }
      planned++;
      const labelsWithClips = [
        ...new Set(clips.filter((clip) => clip.kind === 'sample' && clip.label !== null).map((clip) => clip.label!)),
      ].map((label) => ({ label, unknown: unknownWords.has(label) }));
      const { classes } = datasetClasses(labelsWithClips, data);
      expect(classes).toEqual(plan.classes);
      const counts = planExampleCounts(labelRows(clips), classes, data);
      for (const split of SPLITS) {
        expect(counts[split].examples, `trial ${trial}, ${split}`).toBe(plan.items[split].length);
        expect(counts[split].known).toBe(
          plan.items[split].filter((item) => item.label !== '_silence_' && item.label !== '_unknown_').length,
        );
      }
    }
    expect(planned).toBeGreaterThan(250);
  });

  it('caps _unknown_ by the clips there are to draw from', () => {
    const rows: LabelSplitRow[] = [
      { label: 'yes', train: 10, validation: 0, test: 0, unassigned: 0, speakers: 1 },
      { label: 'bird', train: 2, validation: 0, test: 0, unassigned: 0, speakers: 1 },
    ];
    const { classes } = datasetClasses([{ label: 'yes' }, { label: 'bird', unknown: true }], {
      ...baseData,
      unknownPercentage: 100,
    });
    expect(classes).toEqual(['_silence_', '_unknown_', 'yes']);
    expect(planExampleCounts(rows, classes, { ...baseData, unknownPercentage: 100 }).train).toEqual({
      known: 10,
      examples: 10 + 1 + 2,
    });
  });
});
