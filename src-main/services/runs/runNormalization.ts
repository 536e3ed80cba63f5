import fs from 'node:fs';
import path from 'node:path';
import { MIN_STD } from '../../../src-shared/dsp/normalizeFeatures.ts';
import type { FeatureStats } from '../../../src-shared/model/FeatureSpec.ts';

/** The run folder's record of the dataset statistics its model was trained and tested with. */
export const NORMALIZATION_FILE = 'normalization.json';
export const NORMALIZATION_ARTIFACT = 'normalization';

/** normalization.json: float32 values written as the JS numbers they are, so reading them back gives the same bits. */
interface NormalizationJson {
  kind: 'dataset';
  mean: number[];
  std: number[];
  /** Frames the statistics were computed over. */
  count: number;
  /** Standard deviations below this were treated as this. */
  minStd: number;
}

/** Writes normalization.json into the run's folder; returns its size in bytes. */
export function writeRunNormalization(runDir: string, stats: FeatureStats): number {
  const record: NormalizationJson = {
    kind: 'dataset',
    mean: Array.from(stats.mean),
    std: Array.from(stats.std),
    count: stats.count,
    minStd: MIN_STD,
  };
  const text = `${JSON.stringify(record)}\n`;
  fs.writeFileSync(path.join(runDir, NORMALIZATION_FILE), text);
  return Buffer.byteLength(text);
}

/**
 * The statistics a run recorded in `file`, checked to have `bins` values each; an error naming the
 * file when it is missing or damaged (silently recomputing would hide that the run's record changed).
 */
export function readRunNormalization(file: string, bins: number): FeatureStats {
  let record: Partial<NormalizationJson>;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<NormalizationJson>;
  } catch (error) {
    throw new Error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const values = (name: 'mean' | 'std') => {
    const list = record[name];
    if (!Array.isArray(list) || list.length !== bins || !list.every((value) => Number.isFinite(value)))
      throw new Error(`${file} has no ${bins} finite "${name}" values; it was changed since training`);
    return Float32Array.from(list);
  };
  if (record.kind !== 'dataset') throw new Error(`${file} is not a dataset normalization record`);
  return { mean: values('mean'), std: values('std'), count: Number(record.count) };
}
