import type { ClipPrediction } from '../model/ClipPrediction.ts';
import type { RunDetail, RunInfo } from '../model/Run.ts';
import type {
  ClipDifferences,
  LikelyMislabeled,
  RunComparison,
  RunExport,
  SweepAnalysis,
} from '../model/RunComparison.ts';
import type { RunQuery } from '../model/RunQuery.ts';
import type {
  PurgeResult,
  RunChangeResult,
  RunColumn,
  RunIdsInput,
  RunNoteInput,
  RunPage,
  RunSelection,
  RunsChangedEvent,
  RunStarInput,
  RunTagCount,
  RunTagsInput,
} from '../model/RunTable.ts';
import type { Event } from './events.ts';

export interface PredictionQuery {
  runId: string;
  /** Class the clip belongs to / the model said; omit for any. */
  actual?: string | undefined;
  predicted?: string | undefined;
  split?: 'train' | 'validation' | 'test' | undefined;
  limit?: number | undefined;
}

export interface CompareRunsInput {
  /** 2 to 8 runs, in the order the page shows them. */
  runIds: string[];
  /** The run the others are measured against; default the first. */
  baselineRunId?: string | undefined;
}

export interface ClipDifferencesInput {
  baseRunId: string;
  otherRunId: string;
  /** Only clips of this split; default every split both runs predicted. */
  split?: 'train' | 'validation' | 'test' | undefined;
  /** At most this many clips of each kind (default 1000); the counts are always complete. */
  limit?: number | undefined;
}

export interface LikelyMislabeledInput {
  runId: string;
  /** Default 0.9. */
  minConfidence?: number | undefined;
  split?: 'train' | 'validation' | 'test' | undefined;
  /** Default 200. */
  limit?: number | undefined;
}

export interface SweepAnalysisInput {
  sweepId: string;
  /** A run-table key the trials are judged by, e.g. val_accuracy (the default). */
  metric?: string | undefined;
}

export interface ExportRunsInput {
  runIds: string[];
  format: 'csv' | 'json';
  /** CSV columns (run-table keys) after `id`; default every column the runs have. */
  columns?: string[] | undefined;
}

/**
 * What runs recorded, the run table and run comparison. Every run, single or sweep trial, is a flat record of readable
 * keys (see RunQuery); queries filter and sort on any of them, fast at 10,000 runs. Lifecycle edits
 * (archive, delete, restore) and annotations (tags, note, star) take many runs at once and apply to
 * all of them or, when one is missing, to none. Relabeling a clip is the library's (undoable) edit.
 */
export interface RunService {
  /** Every run, newest first, with its status and summary: the Train page's list. */
  listRuns(): Promise<RunInfo[]>;
  /** One run with its spec, metric series and artifacts. */
  getRun(input: { runId: string }): Promise<RunDetail>;
  /** The run's per-clip answers, most confident first. */
  predictions(input: PredictionQuery): Promise<ClipPrediction[]>;
  /** A page of runs with every column, the per-sweep counts for group headers and per-scope counts. */
  queryRuns(input: RunQuery): Promise<RunPage>;
  /** Every key a run has: for column pickers and the filter box's completions. */
  columns(): Promise<RunColumn[]>;
  /** Every run a selection matches, newest first: "select all" before a bulk edit. */
  runIds(input: RunSelection): Promise<string[]>;
  /** Every tag with its run count (deleted runs left out), most used first. */
  tags(): Promise<RunTagCount[]>;

  /** Replaces the runs' tags. */
  setTags(input: RunTagsInput): Promise<RunChangeResult>;
  addTags(input: RunTagsInput): Promise<RunChangeResult>;
  removeTags(input: RunTagsInput): Promise<RunChangeResult>;
  setNote(input: RunNoteInput): Promise<RunChangeResult>;
  setStarred(input: RunStarInput): Promise<RunChangeResult>;
  archiveRuns(input: RunIdsInput): Promise<RunChangeResult>;
  unarchiveRuns(input: RunIdsInput): Promise<RunChangeResult>;
  /** Soft delete: the runs move to the Deleted scope and `restoreRuns` brings them back. Running runs are refused. */
  deleteRuns(input: RunIdsInput): Promise<RunChangeResult>;
  restoreRuns(input: RunIdsInput): Promise<RunChangeResult>;
  /** Removes deleted runs for good, rows and folders: the given ones (which must be deleted), or the whole trash. */
  purgeDeletedRuns(input: { runIds?: string[] | undefined }): Promise<PurgeResult>;

  compareRuns(input: CompareRunsInput): Promise<RunComparison>;
  /** Clips two runs answer differently: fixed by the other run, broken by it, or wrong in both, differently. */
  clipDifferences(input: ClipDifferencesInput): Promise<ClipDifferences>;
  /** Clips the run confidently calls something other than their label, most confident first. */
  likelyMislabeled(input: LikelyMislabeledInput): Promise<LikelyMislabeled>;
  /** A sweep's trials for parallel coordinates, its Pareto front and what each parameter explains of the metric. */
  sweepAnalysis(input: SweepAnalysisInput): Promise<SweepAnalysis>;
  /** The runs as CSV (one row each, the chosen columns) or JSON (full specs, summaries and metric series). */
  exportRuns(input: ExportRunsInput): Promise<RunExport>;

  /** Runs changed: through this service, or (while someone listens) by training writing to the project. */
  onDidChangeRuns: Event<RunsChangedEvent>;
}
