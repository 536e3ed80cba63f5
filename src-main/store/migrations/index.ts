import m001 from './m001_initial.ts';
import m002 from './m002_curation.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Applied in order on open; append only, never edit a released one. */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: m001 },
  { version: 2, name: 'curation', sql: m002 },
];
