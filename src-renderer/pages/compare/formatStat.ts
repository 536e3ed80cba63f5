import type { StatComparison } from '../../../src-shared/model/RunComparison.ts';
import type { RunValue } from '../../../src-shared/model/RunQuery.ts';
import { formatCount, formatDuration, formatPercent } from '../../lib/ui/format.ts';

/** A model statistic as the tables and the report show it. */
export function formatStat(key: StatComparison['key'], value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (key) {
    case 'test_accuracy':
    case 'validation_accuracy':
    case 'sparsity':
      return formatPercent(value);
    case 'parameters':
    case 'macs':
      return formatCount(value);
    case 'size_kb':
    case 'gzip_kb':
      return value >= 1024 ? `${(value / 1024).toFixed(2)} MB` : `${value.toFixed(1)} KB`;
    case 'latency_ms':
      return `${value.toFixed(2)} ms`;
    case 'train_seconds':
      return formatDuration(value);
    case 'epochs_trained':
      return String(Math.round(value));
  }
}

/** A setting of a flattened spec: numbers short but exact, null as a dash. */
export function formatRunValue(value: RunValue | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return String(value);
}

const metricNames: Record<string, string> = {
  val_accuracy: 'validation accuracy',
  val_loss: 'validation loss',
  train_accuracy: 'training accuracy',
  train_loss: 'training loss',
  test_accuracy: 'test accuracy',
  learning_rate: 'learning rate',
  latency_ms: 'latency (ms)',
};

/** A metric key in words: val_accuracy → "validation accuracy". */
export function metricName(key: string): string {
  return metricNames[key] ?? key.replaceAll('_', ' ');
}

/** Accuracies and shares read as percentages. */
export function isFraction(key: string): boolean {
  return /accuracy|sparsity|precision|recall|f1/.test(key);
}
