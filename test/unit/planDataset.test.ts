import { describe, expect, it } from 'vitest';
import type { DataSpec } from '../../src-shared/model/TrainSpec.ts';
import { planDataset } from '../../src-shared/training/planDataset.ts';
import type { SnapshotClip } from '../../src-main/services/runs/store/snapshotClips.ts';

const data: DataSpec = {
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

let nextId = 1;
function clips(
  label: string,
  count: number,
  options: { unknown?: boolean; split?: SnapshotClip['split'] } = {},
): SnapshotClip[] {
  return Array.from({ length: count }, () => {
    const id = nextId++;
    return {
      clipId: id,
      hash: `h${id}`,
      ext: 'wav',
      kind: 'sample',
      label,
      unknown: options.unknown ?? false,
      speaker: null,
      split: options.split ?? 'train',
    };
  });
}

describe('planDataset', () => {
  const snapshot = [
    ...clips('yes', 4),
    ...clips('no', 4),
    ...clips('bird', 4, { unknown: true }),
    ...clips('cat', 4, { unknown: true }),
  ];

  it('trains the labels not marked as unknown words by default; the unknown words feed _unknown_', () => {
    const plan = planDataset(snapshot, data, 1);
    expect(plan.classes).toEqual(['_silence_', '_unknown_', 'no', 'yes']);
    const unknown = plan.items.train.filter((item) => item.label === '_unknown_');
    expect(unknown).toHaveLength(4);
    const birdOrCat = new Set(snapshot.filter((clip) => clip.unknown).map((clip) => clip.clipId));
    expect(unknown.every((item) => birdOrCat.has(item.clipId!))).toBe(true);
  });

  it('trains an unknown word as itself when a run names it', () => {
    expect(planDataset(snapshot, { ...data, wantedWords: ['yes', 'bird'] }, 1).classes).toEqual([
      '_silence_',
      '_unknown_',
      'yes',
      'bird',
    ]);
  });

  it('says what to do when every label is an unknown word', () => {
    expect(() => planDataset(clips('bird', 3, { unknown: true }), data, 1)).toThrow(
      /every label is marked as an unknown word/,
    );
  });
});
