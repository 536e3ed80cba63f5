import type { RunValue } from '../../../src-shared/model/RunQuery.ts';
import type { RunColumn, RunColumnKind, RunColumnType } from '../../../src-shared/model/RunTable.ts';
import type { IndexedRun, KeyKinds } from './readRunRows.ts';

/** Text and bool keys with at most this many distinct values list them for the filter's completions. */
const maxListedValues = 50;
const kindOrder: readonly RunColumnKind[] = ['info', 'metric', 'stat', 'param'];

interface KeyTally {
  count: number;
  numbers: number;
  texts: number;
  bools: number;
  first: RunValue;
  varies: boolean;
  /** Distinct text and bool values with their run counts; null once there are too many to list. */
  distinct: Map<string, number> | null;
}

/**
 * Every key the runs have, with its type and run count, kept up to date run by run: a scan of
 * 10,000 runs × ~90 keys costs ~40 ms, too much to repeat after every star or metric point.
 * `varies` may stay true after the runs that made it so are gone, until the next full rebuild.
 */
export class RunColumnTally {
  private readonly tallies = new Map<string, KeyTally>();

  add(run: IndexedRun): void {
    for (const key in run.values) {
      const value = run.values[key];
      if (value === null || value === undefined) continue;
      let tally = this.tallies.get(key);
      if (!tally)
        this.tallies.set(
          key,
          (tally = { count: 0, numbers: 0, texts: 0, bools: 0, first: value, varies: false, distinct: new Map() }),
        );
      tally.count++;
      if (typeof value === 'number') tally.numbers++;
      else if (typeof value === 'boolean') tally.bools++;
      else tally.texts++;
      if (!tally.varies && value !== tally.first) tally.varies = true;
      if (tally.distinct && typeof value !== 'number') {
        const text = String(value);
        tally.distinct.set(text, (tally.distinct.get(text) ?? 0) + 1);
        if (tally.distinct.size > maxListedValues) tally.distinct = null;
      }
    }
  }

  remove(run: IndexedRun): void {
    for (const key in run.values) {
      const value = run.values[key];
      const tally = this.tallies.get(key);
      if (value === null || value === undefined || !tally) continue;
      if (--tally.count === 0) {
        this.tallies.delete(key);
        continue;
      }
      if (typeof value === 'number') tally.numbers--;
      else if (typeof value === 'boolean') tally.bools--;
      else tally.texts--;
      if (tally.distinct && typeof value !== 'number') {
        const text = String(value);
        const left = (tally.distinct.get(text) ?? 1) - 1;
        if (left > 0) tally.distinct.set(text, left);
        else tally.distinct.delete(text);
      }
    }
  }

  /** Bookkeeping first, then metrics, statistics and parameters, each in the order the runs first showed them. */
  columns(kinds: KeyKinds): RunColumn[] {
    const columns: RunColumn[] = [];
    for (const kind of kindOrder) {
      for (const [key, keyKind] of kinds) {
        const tally = this.tallies.get(key);
        if (keyKind !== kind || !tally) continue;
        const type: RunColumnType =
          tally.numbers === tally.count ? 'number' : tally.bools === tally.count ? 'bool' : 'text';
        const varies = tally.varies && (tally.numbers > 0 || !tally.distinct || tally.distinct.size > 1);
        const column: RunColumn = { key, kind, type, count: tally.count, varies };
        if (type !== 'number' && tally.distinct && tally.numbers === 0)
          column.values = [...tally.distinct.keys()].sort((a, b) => a.localeCompare(b));
        columns.push(column);
      }
    }
    return columns;
  }
}
