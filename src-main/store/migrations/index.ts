import m001 from './m001_initial.ts';
import m002 from './m002_curation.ts';
import m003 from './m003_speaker_edits.ts';
import m004 from './m004_runs.ts';
import m005 from './m005_sweeps.ts';
import m006 from './m006_sweep_queue.ts';
import m007 from './m007_run_annotations.ts';
import m008 from './m008_first_hour.ts';
import m009 from './m009_one_writer_per_run.ts';
import m010 from './m010_trial_attempts.ts';
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Code run after the SQL, in the same transaction: backfills that need more than SQL. */
  after?: (db: Database.Database) => void;
  /** Rebuilds a table others reference: applied with foreign keys off, then checked (SQLite's 12-step procedure). */
  rebuildsTables?: boolean;
}

/** Applied in order on open; append only, never edit a released one. */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: m001 },
  { version: 2, name: 'curation', sql: m002 },
  { version: 3, name: 'speaker_edits', sql: m003 },
  { version: 4, name: 'runs', sql: m004 },
  { version: 5, name: 'sweeps', sql: m005 },
  { version: 6, name: 'sweep_queue', sql: m006 },
  { version: 7, name: 'run_annotations', sql: m007 },
  { version: 8, name: 'first_hour', ...m008 },
  { version: 9, name: 'one_writer_per_run', sql: m009 },
  { version: 10, name: 'trial_attempts', ...m010 },
];
