import type { SweepParameter } from '../../../src-shared/model/RunComparison.ts';
import type { RunValue } from '../../../src-shared/model/RunQuery.ts';
import { formatRunValue } from './formatStat.ts';

/** One vertical axis of the parallel-coordinates plot. */
export interface ParallelAxis {
  key: string;
  title: string;
  /** Where a value sits, 0 (bottom) to 1 (top); null when it has no place (a missing metric). */
  position: (value: RunValue) => number | null;
  ticks: { at: number; text: string }[];
  log: boolean;
}

const identity = (value: RunValue) => `${typeof value}:${String(value)}`;

/**
 * An axis for a varying parameter: numbers on a linear scale, or a log scale when they are positive
 * and span 20× or more (learning rates, widths); text and booleans as evenly spaced categories, in
 * the order the analysis sorted them. A missing value is a category of its own at the bottom.
 */
export function parameterAxis(parameter: SweepParameter): ParallelAxis {
  const title = shortKey(parameter.key);
  const present = parameter.values.filter((value) => value !== null);
  const hasMissing = present.length < parameter.values.length;
  if (parameter.type === 'number' && present.length >= 2) {
    const numbers = present as number[];
    const low = Math.min(...numbers);
    const high = Math.max(...numbers);
    const log = low > 0 && high / low >= 20;
    const scale = (value: number) => (log ? Math.log(value) : value);
    // A missing value sits below the numbers, which then start a little higher.
    const floor = hasMissing ? 0.12 : 0;
    const position = (value: RunValue) => {
      if (typeof value !== 'number') return value === null && hasMissing ? 0 : null;
      return floor + ((scale(value) - scale(low)) / (scale(high) - scale(low) || 1)) * (1 - floor);
    };
    const shown = numbers.length <= 7 ? numbers : evenlyPicked(numbers, 5);
    const ticks = shown.map((value) => ({ at: position(value)!, text: formatRunValue(value) }));
    if (hasMissing) ticks.push({ at: 0, text: 'none' });
    return { key: parameter.key, title, position, ticks, log };
  }
  // Missing first, so it sits at the bottom as the numeric axes put it.
  const levels = [
    ...parameter.values.filter((value) => value === null),
    ...parameter.values.filter((value) => value !== null),
  ];
  const index = new Map(levels.map((value, i) => [identity(value), i]));
  const at = (i: number) => (levels.length === 1 ? 0.5 : i / (levels.length - 1));
  return {
    key: parameter.key,
    title,
    position: (value) => {
      const i = index.get(identity(value));
      return i === undefined ? null : at(i);
    },
    ticks: levels.map((value, i) => ({ at: at(i), text: value === null ? 'none' : formatRunValue(value) })),
    log: false,
  };
}

/** The metric's axis, linear over the values the trials reached. */
export function metricAxis(
  key: string,
  values: readonly (number | null)[],
  format: (value: number) => string,
): ParallelAxis {
  const numbers = values.filter((value): value is number => value !== null && Number.isFinite(value));
  const low = numbers.length ? Math.min(...numbers) : 0;
  const high = numbers.length ? Math.max(...numbers) : 1;
  const span = high - low || Math.abs(high) || 1;
  const position = (value: RunValue) =>
    typeof value === 'number' && Number.isFinite(value) ? (high === low ? 0.5 : (value - low) / span) : null;
  const ticks =
    high === low
      ? [{ at: 0.5, text: format(low) }]
      : [0, 0.25, 0.5, 0.75, 1].map((at) => ({ at, text: format(low + at * span) }));
  return { key, title: key, position, ticks, log: false };
}

/** The last part of a dotted key, which names the setting: model.firstConv.filters → firstConv.filters. */
export function shortKey(key: string): string {
  const parts = key.split('.');
  return parts.length <= 2 ? parts.at(-1)! : parts.slice(-2).join('.');
}

function evenlyPicked(sorted: readonly number[], count: number): number[] {
  return [
    ...new Set(Array.from({ length: count }, (_, i) => sorted[Math.round((i / (count - 1)) * (sorted.length - 1))]!)),
  ];
}
