/**
 * Typed queries over the run table (no string query language on the wire: the filter box parses
 * into these). A run is seen as a flat record of readable keys: its parameters flattened from the
 * spec (`model.kind`, `features.numCoefficients`, `epochs`), its latest metrics (`val_accuracy`,
 * `test_accuracy`, `latency_ms`), model statistics (`stats.parameters`, `stats.gzip_kb`) and its
 * bookkeeping (`name`, `status`, `sweep`, `created`, `tags`, `starred`).
 */
export type RunValue = string | number | boolean | null;

/** `~` is "contains", case-insensitive; the others compare numbers as numbers and text as text. */
export type RunFilterOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';

export interface RunCondition {
  key: string;
  op: RunFilterOp;
  value: string | number | boolean;
}

export interface RunSort {
  key: string;
  direction: 'asc' | 'desc';
}

/** Which runs a list shows by their lifecycle: archived and deleted runs are hidden unless asked for. */
export type RunScope = 'active' | 'archived' | 'deleted';

export interface RunQuery {
  /** Every condition must hold. */
  conditions: RunCondition[];
  sort: RunSort[];
  scope: RunScope;
  starredOnly?: boolean | undefined;
  /** Runs of this sweep only; null for runs outside any sweep. */
  sweepId?: string | null | undefined;
  offset: number;
  limit: number;
}
