import type { RunValue } from '../model/RunQuery.ts';

// Numeric collation so "run-9" sorts before "run-10"; case differences only break ties.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Ascending order of two run values, for sorting a column: numbers numerically, text by a
 * numeric-aware collation, false before true. A column mixing kinds groups them as numbers, then
 * text, then booleans (comparing across kinds, e.g. 20 with "5a", would not be a consistent order).
 * NaN comes after every other value, and null (or a missing value) after NaN: last in ascending
 * order. Keeping missing values last in descending order too is the caller's job — reversing this
 * comparison would put them first.
 */
export function compareRunValues(a: RunValue | undefined, b: RunValue | undefined): number {
  const rankA = rankOf(a);
  const rankB = rankOf(b);
  if (rankA !== rankB) return rankA - rankB;
  if (typeof a === 'number' && typeof b === 'number') return a === b || rankA === RANK.nan ? 0 : a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b) || (a === b ? 0 : a < b ? -1 : 1);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

const RANK = { number: 0, text: 1, boolean: 2, nan: 3, missing: 4 } as const;

function rankOf(value: RunValue | undefined): number {
  if (value === null || value === undefined) return RANK.missing;
  if (typeof value === 'number') return Number.isNaN(value) ? RANK.nan : RANK.number;
  return typeof value === 'string' ? RANK.text : RANK.boolean;
}
