import { compareRunValues } from '../../../src-shared/compare/compareRunValues.ts';
import { matchesConditions } from '../../../src-shared/compare/matchesRunQuery.ts';
import type { RunQuery, RunScope, RunSort, RunValue } from '../../../src-shared/model/RunQuery.ts';
import type {
  RunColumn,
  RunColumnKind,
  RunGroup,
  RunPage,
  RunRow,
  RunSelection,
} from '../../../src-shared/model/RunTable.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { RunColumnTally } from './RunColumnTally.ts';
import { readRunRows, type IndexedRun, type KeyKinds } from './readRunRows.ts';

/** More changed runs than this (or a quarter of the index) and a full rebuild is cheaper than a patch. */
const maxPatch = 1000;
const defaultSort: readonly RunSort[] = [{ key: 'created', direction: 'desc' }];
const timeKeys = new Set(['created', 'started', 'finished']);

/**
 * The run table of one project, held in memory as flat rows and filtered and sorted in JS.
 *
 * Why not SQL per query: the keys a user filters and sorts on are whatever the specs, metrics and
 * summaries hold (a hundred or more, nested in JSON), so SQL would mean json_extract over every spec
 * or an entity-attribute-value table joined once per key — MLflow's layout, which bench/runTable
 * measures against this. 10,000 runs × ~100 keys fit in memory easily, and a scan of them filters
 * and sorts in a few milliseconds.
 *
 * Staying current: runs are written by training worker processes and queue coordinators through
 * their own connections, so nothing in this process hears about it. Migration 7's triggers keep a
 * per-run change sequence in `run_changes`; every query first asks for `MAX(seq)` (one index probe,
 * microseconds) and reloads only the runs changed since. (`PRAGMA data_version` would only see other
 * connections' commits, not this process's own, and could not say which runs changed.)
 */
export class RunIndex {
  private readonly runs = new Map<string, IndexedRun>();
  private list: IndexedRun[] = [];
  private readonly kinds: KeyKinds = new Map();
  private tally = new RunColumnTally();
  private seq = -1;
  private version = 0;
  private columnCache: { version: number; columns: RunColumn[]; keys: Set<string> } | null = null;
  private orderCache: { version: number; key: string; order: IndexedRun[]; groups: RunGroup[] } | null = null;
  private scopeCache: { version: number; counts: Record<RunScope, number> } | null = null;
  private readonly maxSeq;
  private readonly changedSince;

  constructor(private readonly db: ProjectDatabase) {
    this.maxSeq = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM run_changes').pluck();
    this.changedSince = db.prepare('SELECT run_id FROM run_changes WHERE seq > ?').pluck();
  }

  /**
   * Brings the index up to date with the database. Returns the runs that changed since the last
   * call, or null when the index was built from scratch (the first call, or after many changes).
   */
  refresh(): string[] | null {
    if (this.seq >= 0 && (this.maxSeq.get() as number) === this.seq) return [];
    // One read transaction: the change list and the rows come from the same snapshot.
    return this.db.transaction((): string[] | null => {
      const seq = this.maxSeq.get() as number;
      const changed = this.seq < 0 ? null : (this.changedSince.all(this.seq) as string[]);
      this.seq = seq;
      this.version++;
      if (!changed || changed.length > Math.max(maxPatch, this.runs.size / 4)) {
        this.runs.clear();
        this.kinds.clear();
        this.tally = new RunColumnTally();
        for (const run of readRunRows(this.db, this.kinds)) {
          this.runs.set(run.id, run);
          this.tally.add(run);
        }
        this.list = [...this.runs.values()];
        return null;
      }
      for (const id of changed) {
        const old = this.runs.get(id);
        if (old) this.tally.remove(old);
        this.runs.delete(id);
      }
      for (const run of readRunRows(this.db, this.kinds, changed)) {
        this.runs.set(run.id, run);
        this.tally.add(run);
      }
      this.list = [...this.runs.values()];
      return changed;
    })();
  }

  get(runId: string): IndexedRun | undefined {
    this.refresh();
    return this.runs.get(runId);
  }

  /** Where a key comes from (param, metric, stat, info), as of the last refresh. */
  kindOf(key: string): RunColumnKind | undefined {
    return this.kinds.get(key);
  }

  columns(): RunColumn[] {
    this.refresh();
    return this.columnInfo().columns;
  }

  /** A page of runs; repeated pages of the same query reuse its order until a run changes. */
  query(query: RunQuery): RunPage {
    this.refresh();
    const { order, groups } = this.ordered(query, query.sort);
    const { columns, keys } = this.columnInfo();
    const asked = [...query.conditions.map((condition) => condition.key), ...query.sort.map((sort) => sort.key)];
    return {
      total: order.length,
      rows: order.slice(query.offset, query.offset + query.limit).map(toRow),
      columns,
      groups,
      scopeCounts: this.scopeCounts(),
      unknownKeys: [...new Set(asked.filter((key) => !keys.has(key)))],
    };
  }

  /** Every run a selection matches, newest first: "select all" before a bulk tag or archive. */
  ids(selection: RunSelection): string[] {
    this.refresh();
    return this.ordered(selection, defaultSort).order.map((run) => run.id);
  }

  private ordered(selection: RunSelection, sort: readonly RunSort[]): { order: IndexedRun[]; groups: RunGroup[] } {
    const sorts = sort.length ? sort : defaultSort;
    // `sweepId` undefined (any run) and null (runs outside sweeps) must not share a key: JSON writes both as null.
    const key = JSON.stringify([
      selection.conditions,
      selection.scope,
      selection.starredOnly ?? false,
      selection.sweepId === undefined ? { any: true } : selection.sweepId,
      sorts,
    ]);
    if (this.orderCache?.version === this.version && this.orderCache.key === key) return this.orderCache;

    const { conditions } = selection;
    const matched = this.list.filter(
      (run) =>
        inScope(run, selection.scope) &&
        (!selection.starredOnly || run.starred) &&
        (selection.sweepId === undefined || run.sweepId === selection.sweepId) &&
        (conditions.length === 0 || matchesConditions(run.values, conditions)),
    );

    // Sort keys are read once per run into arrays, so the comparator does no property lookups by name.
    const keyValues = sorts.map((item) => matched.map((run) => run.values[item.key] ?? null));
    const directions = sorts.map((item) => (item.direction === 'desc' ? -1 : 1));
    const positions = Array.from(matched, (_, index) => index);
    positions.sort((i, j) => {
      for (let k = 0; k < keyValues.length; k++) {
        const a = keyValues[k]![i]!;
        const b = keyValues[k]![j]!;
        if (a === b) continue;
        // Runs without the value go last in either direction: they are not "smallest".
        if (a === null) return 1;
        if (b === null) return -1;
        const compared = compareRunValues(a, b);
        if (compared !== 0) return directions[k]! * compared;
      }
      return matched[i]!.id < matched[j]!.id ? -1 : 1;
    });
    const order = positions.map((index) => matched[index]!);

    const groups = new Map<string | null, RunGroup>();
    for (const run of order) {
      const group = groups.get(run.sweepId);
      if (group) group.count++;
      else groups.set(run.sweepId, { sweepId: run.sweepId, sweepName: run.sweepName, count: 1 });
    }
    this.orderCache = { version: this.version, key, order, groups: [...groups.values()] };
    return this.orderCache;
  }

  private columnInfo(): { columns: RunColumn[]; keys: Set<string> } {
    if (this.columnCache?.version === this.version) return this.columnCache;
    const columns = this.tally.columns(this.kinds);
    // The tags column completes single tags, not the combinations runs happen to have.
    const tags = new Set(this.list.flatMap((run) => (run.deleted ? [] : run.tags)));
    for (const column of columns) {
      if (column.key === 'tags') column.values = [...tags].sort((a, b) => a.localeCompare(b));
      // Times complete nothing useful: a filter compares them (created > 2026-05), it does not pick one.
      else if (timeKeys.has(column.key)) delete column.values;
    }
    this.columnCache = { version: this.version, columns, keys: new Set(columns.map((column) => column.key)) };
    return this.columnCache;
  }

  private scopeCounts(): Record<RunScope, number> {
    if (this.scopeCache?.version === this.version) return this.scopeCache.counts;
    const counts: Record<RunScope, number> = { active: 0, archived: 0, deleted: 0 };
    for (const run of this.list) counts[run.deleted ? 'deleted' : run.archived ? 'archived' : 'active']++;
    this.scopeCache = { version: this.version, counts };
    return counts;
  }
}

function inScope(run: IndexedRun, scope: RunScope): boolean {
  if (scope === 'deleted') return run.deleted;
  if (scope === 'archived') return run.archived && !run.deleted;
  return !run.archived && !run.deleted;
}

function toRow(run: IndexedRun): RunRow {
  const values: Record<string, RunValue> = { ...run.values };
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    sweepId: run.sweepId,
    sweepName: run.sweepName,
    createdAt: run.createdAt,
    tags: [...run.tags],
    note: run.note,
    starred: run.starred,
    archived: run.archived,
    deleted: run.deleted,
    values,
  };
}
