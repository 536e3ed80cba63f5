import type { RunCondition, RunValue } from '../model/RunQuery.ts';
import { toRunNumber } from './toRunNumber.ts';

// Case-insensitive, numeric-aware ("run-9" < "run-10"); accents still count.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'accent' });

/**
 * Whether a run's flat values meet every condition. Two values compare as numbers when both are
 * numbers or text written as one (so "0.9" typed in a filter meets a metric of 0.9), as booleans
 * when one is a boolean and the other true/false, and otherwise as text, ignoring case. `~` is a
 * case-insensitive "contains" on the text of the value. A missing or null value meets only `!=`.
 * `tags` holds the run's tags joined by commas: `tags = x` means "x is one of the tags".
 */
export function matchesConditions(values: Record<string, RunValue>, conditions: readonly RunCondition[]): boolean {
  return conditions.every((condition) =>
    matchesCondition(Object.hasOwn(values, condition.key) ? values[condition.key] : undefined, condition),
  );
}

function matchesCondition(value: RunValue | undefined, { key, op, value: wanted }: RunCondition): boolean {
  if (value === undefined || value === null) return op === '!=';
  if (op === '~') return String(value).toLowerCase().includes(String(wanted).toLowerCase());
  if (key === 'tags' && typeof value === 'string' && (op === '=' || op === '!=')) {
    const hasTag = value.split(',').some((tag) => collator.compare(tag.trim(), String(wanted).trim()) === 0);
    return hasTag === (op === '=');
  }
  const order = orderOf(value, wanted);
  if (order === null) return op === '!=';
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
  }
}

/** The sign of value − wanted, or null when they cannot be ordered (NaN). */
function orderOf(value: RunValue, wanted: RunValue): number | null {
  const a = toRunNumber(value);
  const b = toRunNumber(wanted);
  if (a !== null && b !== null) return Number.isNaN(a) || Number.isNaN(b) ? null : a === b ? 0 : a < b ? -1 : 1;
  if (typeof value === 'boolean' || typeof wanted === 'boolean') {
    const p = asBoolean(value);
    const q = asBoolean(wanted);
    if (p !== null && q !== null) return Number(p) - Number(q);
  }
  return collator.compare(String(value), String(wanted));
}

function asBoolean(value: RunValue): boolean | null {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : null;
}
