import type { RunValue } from '../../../src-shared/model/RunQuery.ts';
import { formatCount, formatDuration, formatRate } from '../../lib/ui/format.ts';

const shareKeys = /(accuracy|sparsity|precision|recall|f1)$/;

/**
 * A run-table value as a cell shows it. Keys keep their raw values in the filter (val_accuracy >
 * 0.9), so the cell only adds the unit the key's name states: shares as percent, _kb, _ms.
 */
export function formatRunValue(key: string, value: RunValue | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (shareKeys.test(key) && value >= 0 && value <= 1) return `${(value * 100).toFixed(1)} %`;
  if (key.endsWith('_kb'))
    return value >= 1024 ? `${(value / 1024).toFixed(2)} MB` : `${value.toFixed(value < 10 ? 2 : 1)} KB`;
  if (key.endsWith('_ms')) return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
  if (key.endsWith('_seconds')) return formatDuration(value);
  if (key === 'stats.parameters' || key === 'stats.macs') return formatCount(value);
  if (/rate|epsilon|l2/i.test(key)) return formatRate(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return String(Number(value.toPrecision(4)));
}
