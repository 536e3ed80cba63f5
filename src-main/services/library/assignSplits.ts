import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { SplitName } from '../../../src-shared/model/Clip.ts';
import {
  EditBatch,
  listOf,
  plural,
  readSplitPercentages,
  requireClips,
  validateActor,
  type EditResult,
  type ProjectDb,
} from './editHistory.ts';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD, findNearDuplicates } from './findNearDuplicates.ts';
import { percentageHash, splitForPercentage, splitGroupOf, type SplitPercentages } from './splitHash.ts';

/**
 * Train / validation / test splits with TensorFlow speech_commands' `which_set` hashing (see
 * splitHash.ts): a clip's split depends only on its group and the percentages, so it never moves
 * when clips are added or removed, and a speaker never straddles splits. A user override pins a
 * clip to a split and wins over the hash.
 */

const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];

/** Default for "near-duplicate" in the leakage report; see findNearDuplicates.ts. */
export { DEFAULT_NEAR_DUPLICATE_THRESHOLD } from './findNearDuplicates.ts';
import type {
  SplitTotals,
  AssignSplitsResult,
  LabelSplitCounts,
  LeakingGroup,
  SplitReportClip,
  CrossSplitDuplicate,
  SplitReport,
} from '../../../src-shared/model/Curation.ts';
export type {
  SplitTotals,
  AssignSplitsResult,
  LabelSplitCounts,
  LeakingGroup,
  SplitReportClip,
  CrossSplitDuplicate,
  SplitReport,
} from '../../../src-shared/model/Curation.ts';

export function validatePercentages(raw: unknown): SplitPercentages {
  const value = raw as Partial<SplitPercentages> | null;
  const check = (number: unknown, what: string): number => {
    if (typeof number !== 'number' || !Number.isFinite(number) || number < 0 || number > 100) {
      throw new StudioError(
        'invalid_input',
        `The ${what} percentage must be a number from 0 to 100 (got ${JSON.stringify(number)}).`,
      );
    }
    return number;
  };
  const validationPercent = check(value?.validationPercent, 'validation');
  const testPercent = check(value?.testPercent, 'test');
  if (validationPercent + testPercent > 100) {
    throw new StudioError(
      'invalid_input',
      `Validation ${validationPercent}% and test ${testPercent}% add up to more than 100%; lower one of them.`,
    );
  }
  return { validationPercent, testPercent };
}

/** Writes every sample's split (overrides kept) and remembers the percentages, in one transaction. */
export function assignSplits(project: ProjectDb, percentages: SplitPercentages): AssignSplitsResult {
  const { db } = project;
  const checked = validatePercentages(percentages);
  return db.transaction((): AssignSplitsResult => {
    db.prepare('UPDATE project SET split_validation_percent = ?, split_test_percent = ? WHERE id = 1').run(
      checked.validationPercent,
      checked.testPercent,
    );
    const update = db.prepare('UPDATE clips SET split = ? WHERE id = ?');
    // Background noise is mixed into every split during training, so it gets none.
    const clips = db
      .prepare("SELECT id, speaker, original_name, split, split_override, deleted_at FROM clips WHERE kind = 'sample'")
      .all() as {
      id: number;
      speaker: string | null;
      original_name: string;
      split: SplitName | null;
      split_override: SplitName | null;
      deleted_at: string | null;
    }[];
    const byGroup = new Map<string, SplitName>();
    const result: AssignSplitsResult = { train: 0, validation: 0, test: 0, unassigned: 0, changed: 0 };
    for (const clip of clips) {
      let split = clip.split_override;
      if (split === null) {
        const { key } = splitGroupOf({ speaker: clip.speaker, originalName: clip.original_name });
        split = byGroup.get(key) ?? splitForPercentage(percentageHash(key), checked);
        byGroup.set(key, split);
      }
      if (split !== clip.split) {
        update.run(split, clip.id);
        result.changed++;
      }
      if (clip.deleted_at === null) result[split]++;
    }
    return result;
  })();
}

/** Pins clips to a split (null unpins them, back to the hashed split); undoable like any edit. */
export function setSplitOverride(
  project: ProjectDb,
  clipIds: readonly number[],
  split: SplitName | null,
  actor = 'user',
): EditResult {
  const { db } = project;
  const who = validateActor(actor);
  if (split !== null && !SPLITS.includes(split)) {
    throw new StudioError(
      'invalid_input',
      `Split ${JSON.stringify(split)} is not one of train, validation or test (or none to unpin).`,
    );
  }
  return db.transaction((): EditResult => {
    const clips = requireClips(db, clipIds);
    const noise = clips.filter((clip) => clip.kind === 'noise').map((clip) => String(clip.id));
    if (noise.length > 0) {
      throw new StudioError(
        'invalid_input',
        `${listOf(noise, 'Clip', 'Clips')}: background noise is used in every split and cannot be pinned to one. Deselect it.`,
      );
    }
    const toChange = clips.filter((clip) => clip.split_override !== split);
    if (toChange.length === 0)
      return { batchId: null, description: 'Nothing to change: the clips are already pinned that way', changed: 0 };
    const batch = new EditBatch(db, 'split_override', who);
    for (const clip of toChange) batch.setClipField(clip.id, 'split_override', clip.split_override, split);
    const description = split
      ? `Pin ${plural(toChange.length, 'clip')} to the ${split} split`
      : `Unpin ${plural(toChange.length, 'clip')} (back to the hashed split)`;
    return batch.finish(description, toChange.length);
  })();
}

/** Per-label split counts and what could leak between splits. Trashed clips are left out. */
export function splitReport(
  project: ProjectDb,
  { nearDuplicateThreshold = DEFAULT_NEAR_DUPLICATE_THRESHOLD } = {},
): SplitReport {
  const { db } = project;
  const clips = db
    .prepare(
      `SELECT c.id, c.speaker, c.original_name, c.split, c.split_override, l.name AS label
       FROM clips c LEFT JOIN labels l ON l.id = c.label_id
       WHERE c.kind = 'sample' AND c.deleted_at IS NULL`,
    )
    .all() as {
    id: number;
    speaker: string | null;
    original_name: string;
    split: SplitName | null;
    split_override: SplitName | null;
    label: string | null;
  }[];

  const totals: SplitTotals = { train: 0, validation: 0, test: 0, unassigned: 0 };
  const byLabel = new Map<string | null, LabelSplitCounts>();
  const groups = new Map<string, LeakingGroup>();
  const clipInfo = new Map<number, SplitReportClip>();
  let overrides = 0;
  for (const clip of clips) {
    const bucket = clip.split ?? 'unassigned';
    totals[bucket]++;
    let counts = byLabel.get(clip.label);
    if (!counts)
      byLabel.set(clip.label, (counts = { label: clip.label, train: 0, validation: 0, test: 0, unassigned: 0 }));
    counts[bucket]++;
    if (clip.split_override !== null) overrides++;
    if (clip.split === null) continue;
    clipInfo.set(clip.id, { clipId: clip.id, split: clip.split, label: clip.label });
    const { key, source } = splitGroupOf({ speaker: clip.speaker, originalName: clip.original_name });
    const groupKey = `${source}\u0000${key}`;
    let group = groups.get(groupKey);
    if (!group)
      groups.set(groupKey, (group = { group: key, source, counts: { train: 0, validation: 0, test: 0 }, clipIds: [] }));
    group.counts[clip.split]++;
    group.clipIds.push(clip.id);
  }

  const leakingGroups = [...groups.values()]
    .filter((group) => SPLITS.filter((split) => group.counts[split] > 0).length > 1)
    .sort((a, b) => a.group.localeCompare(b.group));
  const nearDuplicates: CrossSplitDuplicate[] = [];
  for (const pair of findNearDuplicates(project, nearDuplicateThreshold)) {
    const a = clipInfo.get(pair.a);
    const b = clipInfo.get(pair.b);
    if (a && b && a.split !== b.split) nearDuplicates.push({ a, b, distance: pair.distance });
  }
  const fingerprinted = db
    .prepare("SELECT COUNT(*) FROM clips WHERE kind = 'sample' AND deleted_at IS NULL AND fingerprint IS NOT NULL")
    .pluck()
    .get() as number;

  return {
    percentages: readSplitPercentages(db),
    totals,
    byLabel: [...byLabel.values()].sort((a, b) => (a.label ?? '').localeCompare(b.label ?? '')),
    overrides,
    leakage: { groups: leakingGroups, nearDuplicates, fingerprinted },
  };
}
