import type { DeployStats, RunSummary } from '../../../src-shared/model/Run.ts';
import type { RunComparison, StatComparison } from '../../../src-shared/model/RunComparison.ts';
import { int8StatKeys, type Int8StatKey, type StatKey } from './formatStat.ts';

/** A row of the statistics table: the comparison's own, or an int8 figure read from the runs' summaries. */
export type ShownStat = Omit<StatComparison, 'key'> & { key: StatKey };

type Int8Definition = Omit<ShownStat, 'values' | 'best' | 'key'> & {
  key: Int8StatKey;
  read: (deploy: DeployStats) => number | null;
};

/** What an int8 export measured (a run's `summary.deploy`), as the run table's `stats.tflite_int8_*` keys read it. */
const int8Definitions: readonly Int8Definition[] = [
  {
    key: 'tflite_int8_zlib_kb',
    label: 'int8 TFLite size (zlib -9)',
    unit: 'KiB',
    better: 'lower',
    read: (d) => d.zlibBytes / 1024,
  },
  { key: 'tflite_int8_accuracy', label: 'int8 test accuracy', unit: '', better: 'higher', read: (d) => d.accuracy },
  {
    key: 'tflite_int8_agreement',
    label: 'int8 agreement with float',
    unit: '',
    better: 'higher',
    read: (d) => d.agreement,
  },
  {
    key: 'tflite_int8_latency_ms',
    label: 'int8 latency (TFLite interpreter)',
    unit: 'ms',
    better: 'lower',
    read: (d) => d.latencyMs,
  },
  {
    key: 'tflite_int8_arena_kb',
    label: 'int8 tensor arena (TFLite Micro)',
    unit: 'KiB',
    better: 'lower',
    read: (d) => d.arenaBytes / 1024,
  },
];

const isInt8Stat = (key: string): boolean => (int8StatKeys as readonly string[]).includes(key);

/**
 * The statistics table's rows: the comparison's statistics and, for runs exported as int8, the int8
 * figures — from the comparison when it lists them, else from each run's `summary.deploy`. An int8
 * row no compared run has a value for is left out: most runs were never exported.
 */
export function shownStats(comparison: Pick<RunComparison, 'stats'> & { runs: { summary: RunSummary | null }[] }) {
  const stats: ShownStat[] = [...comparison.stats];
  if (!stats.some((stat) => isInt8Stat(stat.key))) {
    for (const { read, ...definition } of int8Definitions) {
      const values = comparison.runs.map((run) => (run.summary?.deploy ? read(run.summary.deploy) : null));
      stats.push({ ...definition, values, best: bestOf(values, definition.better) });
    }
  }
  return stats.filter((stat) => !isInt8Stat(stat.key) || stat.values.some((value) => value !== null));
}

/** Indices of the best values, as the comparison marks its own: none when fewer than two runs have one. */
function bestOf(values: (number | null)[], better: ShownStat['better']): number[] {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (better === null || present.length < 2) return [];
  const target = better === 'higher' ? Math.max(...present) : Math.min(...present);
  return values.flatMap((value, index) => (value === target ? [index] : []));
}
