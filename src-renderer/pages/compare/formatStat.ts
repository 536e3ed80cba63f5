import type { StatComparison } from '../../../src-shared/model/RunComparison.ts';
import type { RunValue } from '../../../src-shared/model/RunQuery.ts';
import { formatCount, formatDuration, formatPercent } from '../../lib/ui/format.ts';

/**
 * What an int8 TFLite export measured, recorded on its run (`stats.tflite_int8_*` in the run table):
 * a run has them once it was exported as int8, so the comparison shows them only when a run does.
 */
export const int8StatKeys = [
  'tflite_int8_zlib_kb',
  'tflite_int8_accuracy',
  'tflite_int8_agreement',
  'tflite_int8_latency_ms',
  'tflite_int8_arena_kb',
] as const;
export type Int8StatKey = (typeof int8StatKeys)[number];
export type StatKey = StatComparison['key'] | Int8StatKey;

/** Accuracies and shares among the statistics: their differences read in points. */
export function isFractionStat(key: string): boolean {
  return ['test_accuracy', 'validation_accuracy', 'sparsity', 'tflite_int8_accuracy', 'tflite_int8_agreement'].includes(
    key,
  );
}

/** A model statistic as the tables and the report show it. */
export function formatStat(key: StatKey, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (key) {
    case 'test_accuracy':
    case 'validation_accuracy':
    case 'sparsity':
      return formatPercent(value);
    case 'tflite_int8_accuracy':
    case 'tflite_int8_agreement':
      return formatPercent(value, 2);
    case 'tflite_int8_zlib_kb':
    case 'tflite_int8_arena_kb':
      return `${value.toFixed(value < 10 ? 2 : 1)} KB`;
    case 'tflite_int8_latency_ms':
      return `${value.toFixed(value < 1 ? 3 : 2)} ms`;
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
    default:
      // A statistic this page does not know yet: a plain number rather than nothing.
      return String(Number(value.toPrecision(4)));
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
