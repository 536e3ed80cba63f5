import type { RunValue } from '../model/RunQuery.ts';

/**
 * A nested spec as one flat record of readable keys, in the spec's own key order: objects become
 * dotted keys (`features.mfccCount`, `model.firstConv.filters`), a list of plain values becomes one
 * text value (`model.blocks` → `"64, 64, 64"`, an empty list `"[]"`) so it reads as one cell of a
 * diff, and a list holding objects or lists is indexed (`items[0].name`). Undefined values, functions
 * and empty objects leave no key; null stays null. The keys are the ones sweep axes use.
 */
export function flattenSpec(value: unknown, prefix?: string): Record<string, RunValue> {
  const result: Record<string, RunValue> = {};
  flattenInto(result, value, prefix);
  return result;
}

function flattenInto(result: Record<string, RunValue>, value: unknown, key: string | undefined): void {
  if (Array.isArray(value)) {
    if (value.every((item) => asScalar(item) !== undefined)) {
      if (key !== undefined)
        result[key] = value.length === 0 ? '[]' : value.map((item) => String(asScalar(item))).join(', ');
      return;
    }
    value.forEach((item, index) => flattenInto(result, item, `${key ?? ''}[${index}]`));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [name, child] of Object.entries(value))
      flattenInto(result, child, key === undefined ? name : `${key}.${name}`);
    return;
  }
  const scalar = asScalar(value);
  // A bare value at the top has no key to live under.
  if (scalar !== undefined && key !== undefined) result[key] = scalar;
}

/** The value as a RunValue, or undefined when it has none (undefined, functions, symbols). */
function asScalar(value: unknown): RunValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}
