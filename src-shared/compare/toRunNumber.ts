import type { RunValue } from '../model/RunQuery.ts';

// Plain decimal notation only: Number() would also take "", " ", "0x1f" and "Infinity".
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** The value as a number when it is one or is text written as one ("0.9", "-1e-3"); else null. */
export function toRunNumber(value: RunValue | undefined): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value.trim());
  return null;
}
