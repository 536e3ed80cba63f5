import m001 from './m001_initial.ts';
import m002 from './m002_curation.ts';
import m003 from './m003_speaker_edits.ts';
import m004 from './m004_runs.ts';
import m005 from './m005_sweeps.ts';
import m006 from './m006_sweep_queue.ts';
import m007 from './m007_run_annotations.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
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
];
