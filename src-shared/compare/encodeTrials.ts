import type { RunValue } from '../model/RunQuery.ts';

/**
 * One parameter as a column of level codes. Every parameter becomes a finite set of levels, the
 * distinct values the trials tried: numbers in ascending order (ordered: a split is a threshold),
 * anything else as categories (unordered: a split is a subset). A trial without the parameter gets
 * the level `null` — first, below every number, for a numeric parameter.
 */
export interface EncodedParameter {
  key: string;
  kind: 'numeric' | 'categorical';
  levels: RunValue[];
  /** The level index of each trial. */
  codes: Int32Array;
}

/** The parameters that vary across the trials, encoded; parameters with one value are left out. */
export function encodeTrials(params: readonly Record<string, RunValue>[]): EncodedParameter[] {
  const keys = [...new Set(params.flatMap((record) => Object.keys(record)))];
  return keys.flatMap((key) => {
    const column = params.map((record) => valueOf(record, key));
    const numeric = column.every((value) => value === null || typeof value === 'number');
    const levels = distinct(column, numeric);
    if (levels.length < 2) return [];
    const index = new Map(levels.map((level, i) => [identity(level), i]));
    const codes = Int32Array.from(column, (value) => index.get(identity(value))!);
    return [{ key, kind: numeric ? 'numeric' : 'categorical', levels, codes }];
  });
}

function valueOf(record: Record<string, RunValue>, key: string): RunValue {
  const value = Object.hasOwn(record, key) ? record[key] : null;
  return value === undefined || Number.isNaN(value) ? null : value;
}

function distinct(column: readonly RunValue[], numeric: boolean): RunValue[] {
  const seen = new Map<string, RunValue>();
  for (const value of column) seen.set(identity(value), value);
  const levels = [...seen.values()];
  if (!numeric) return levels;
  return levels.sort((a, b) => (a === null ? -1 : b === null ? 1 : (a as number) - (b as number)));
}

/** 1 and "1" are different categories. */
function identity(value: RunValue): string {
  return `${typeof value}:${String(value)}`;
}
