import type { RunStatus } from './Run.ts';
import type { RunQuery, RunScope, RunValue } from './RunQuery.ts';

/**
 * Where a run-table key comes from: a spec parameter (`model.kind`), a latest metric
 * (`val_accuracy`), a model statistic from the run's summary (`stats.gzip_kb`), or bookkeeping
 * (`name`, `status`, `sweep`, `created`, `tags`, `starred`).
 */
export type RunColumnKind = 'param' | 'metric' | 'stat' | 'info';
export type RunColumnType = 'number' | 'text' | 'bool';

/** One key a run can have: what a column picker offers and what the filter box completes. */
export interface RunColumn {
  key: string;
  kind: RunColumnKind;
  /** 'text' when runs disagree (a number in one, text in another). */
  type: RunColumnType;
  /** Runs (in any scope) with a value for it: a column most runs lack can be offered last. */
  count: number;
  /** For text and bool keys with few distinct values, those values sorted: the filter's completions. */
  values?: string[] | undefined;
  /** Whether the runs that have it disagree: a column every run shares one value of says little. */
  varies: boolean;
}

/** A run as the table shows it. `values` holds every key of `columns`, this run's value or absent. */
export interface RunRow {
  id: string;
  name: string;
  status: RunStatus;
  sweepId: string | null;
  sweepName: string | null;
  createdAt: string;
  tags: string[];
  note: string;
  starred: boolean;
  archived: boolean;
  deleted: boolean;
  values: Record<string, RunValue>;
}

/** A sweep's run count among the runs a query matches (before paging), for group headers. */
export interface RunGroup {
  /** null: runs outside any sweep. */
  sweepId: string | null;
  sweepName: string | null;
  count: number;
}

export interface RunPage {
  /** Runs matching the query before offset and limit. */
  total: number;
  rows: RunRow[];
  columns: RunColumn[];
  /** Per sweep among the matching runs, in the order the sort first meets them. */
  groups: RunGroup[];
  /** Runs in each scope, ignoring the conditions: the counts on the Active / Archived / Deleted tabs. */
  scopeCounts: Record<RunScope, number>;
  /** Condition and sort keys no run has, so the filter box can say "no run has 'val_acc'". */
  unknownKeys: string[];
}

/** The part of a query that selects runs, without order or page: for "select every match". */
export type RunSelection = Pick<RunQuery, 'conditions' | 'scope' | 'starredOnly' | 'sweepId'>;

export interface RunTagCount {
  tag: string;
  /** Runs with it, deleted ones excluded. */
  count: number;
}

export interface RunIdsInput {
  runIds: string[];
}

export interface RunTagsInput {
  runIds: string[];
  tags: string[];
}

export interface RunNoteInput {
  runIds: string[];
  note: string;
}

export interface RunStarInput {
  runIds: string[];
  starred: boolean;
}

/** What an annotation or lifecycle change did: how many runs it changed (the others already were so). */
export interface RunChangeResult {
  changed: number;
}

export interface PurgeResult {
  purged: number;
  /** Bytes of run folders (checkpoints, models, exports) removed from disk. */
  bytesFreed: number;
}

/** Runs whose rows changed, through this service or by a training process writing to the project. */
export interface RunsChangedEvent {
  runIds: string[];
}
