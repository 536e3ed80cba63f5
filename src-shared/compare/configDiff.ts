import type { RunValue } from '../model/RunQuery.ts';
import { flattenSpec } from './flattenSpec.ts';

const collator = new Intl.Collator(undefined, { numeric: true });

/**
 * The settings that differ between runs: each spec flattened (see flattenSpec), and only the keys
 * whose value is not the same in every run — a key some run lacks counts as different, and shows
 * as null for that run. Keys come grouped by their top-level section (`features`, `model`, …) in
 * the order the specs first name them, and sorted within a section, so a diff reads like the specs.
 */
export function configDiff(specs: readonly unknown[]): { key: string; values: RunValue[] }[] {
  const flat = specs.map((spec) => flattenSpec(spec));
  const sections = new Map<string, Set<string>>();
  for (const record of flat) {
    for (const key of Object.keys(record)) {
      const section = sectionOf(key);
      if (!sections.has(section)) sections.set(section, new Set());
      sections.get(section)!.add(key);
    }
  }
  const rows: { key: string; values: RunValue[] }[] = [];
  for (const keys of sections.values()) {
    for (const key of [...keys].sort(collator.compare)) {
      const values = flat.map((record) => (Object.hasOwn(record, key) ? record[key]! : undefined));
      if (values.every((value) => value !== undefined && sameValue(value, values[0]!))) continue;
      rows.push({ key, values: values.map((value) => value ?? null) });
    }
  }
  return rows;
}

function sectionOf(key: string): string {
  return /^[^.[]*/.exec(key)![0];
}

function sameValue(a: RunValue, b: RunValue): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
