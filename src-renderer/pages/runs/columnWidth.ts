import type { RunColumn } from '../../../src-shared/model/RunTable.ts';

const fixed: Record<string, number> = {
  starred: 36,
  name: 210,
  status: 136,
  sweep: 120,
  created: 108,
  started: 108,
  finished: 108,
  tags: 170,
  note: 220,
  id: 180,
};

/**
 * A column's least width in pixels (the name column also takes any room left over): room for its
 * header's last part (the header puts `stats.` above `gzip_kb`) and for its values, so many
 * columns scroll sideways rather than squeeze.
 */
export function columnWidth(key: string, column: RunColumn | undefined): number {
  if (key in fixed) return fixed[key]!;
  const label = key.slice(key.lastIndexOf('.') + 1).length * 7 + 30;
  if (column?.type === 'number') return Math.round(Math.max(88, Math.min(170, label)));
  if (column?.type === 'bool') return Math.round(Math.max(72, Math.min(150, label)));
  return Math.round(Math.max(140, Math.min(200, label)));
}
