import { createHash } from 'node:crypto';
import type { SplitName } from '../../../src-shared/model/Clip.ts';
import type { SplitPercentages } from '../../../src-shared/model/Curation.ts';
export type { SplitPercentages } from '../../../src-shared/model/Curation.ts';

/** TensorFlow speech_commands' constant: ~134M files per class before the hash buckets repeat. */
export const MAX_NUM_WAVS_PER_CLASS = 2 ** 27 - 1;
const BUCKETS = BigInt(MAX_NUM_WAVS_PER_CLASS + 1);

export interface SplitGroup {
  /** The string that is hashed: every clip with the same key lands in the same split. */
  key: string;
  source: 'speaker' | 'file name';
}

/**
 * `re.sub(r'_nohash_.*$', '', base_name)` exactly, including Python's reading of `.` (anything
 * but \n) and `$` (end of text, or before a final \n), so odd names hash as train.py hashes them.
 */
export function nohashName(baseName: string): string {
  return baseName.replace(/_nohash_[^\n]*(?=\n?(?![\s\S]))/, '');
}

/** `os.path.basename` on POSIX: whatever follows the last slash. */
export function baseNameOf(fileName: string): string {
  return fileName.slice(fileName.lastIndexOf('/') + 1);
}

/**
 * The clip's split group. An explicit speaker wins over the file name so that one speaker's clips
 * never straddle splits even when their names carry no `_nohash_` (FSDD's `3_lucas_7.wav`);
 * for Speech Commands files the importer's speaker is the part before `_nohash_`, the same string
 * train.py hashes, so the result is identical to train.py there.
 */
export function splitGroupOf(clip: { speaker: string | null; originalName: string }): SplitGroup {
  if (clip.speaker) return { key: clip.speaker, source: 'speaker' };
  return { key: nohashName(baseNameOf(clip.originalName)), source: 'file name' };
}

/** train.py's percentage_hash: sha1 of the UTF-8 name, modulo 2^27, scaled to [0, 100]. */
export function percentageHash(hashName: string): number {
  const hex = createHash('sha1').update(hashName, 'utf8').digest('hex');
  const bucket = Number(BigInt(`0x${hex}`) % BUCKETS);
  return bucket * (100.0 / MAX_NUM_WAVS_PER_CLASS);
}

/** train.py's which_set comparisons, with our split names for 'validation' / 'testing' / 'training'. */
export function splitForPercentage(
  percentage: number,
  { validationPercent, testPercent }: SplitPercentages,
): SplitName {
  if (percentage < validationPercent) return 'validation';
  if (percentage < testPercent + validationPercent) return 'test';
  return 'train';
}

export function computeSplit(
  clip: { speaker: string | null; originalName: string },
  percentages: SplitPercentages,
): SplitName {
  return splitForPercentage(percentageHash(splitGroupOf(clip).key), percentages);
}
