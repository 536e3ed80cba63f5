import fs from 'node:fs';
import Database from 'better-sqlite3';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { appVersion } from './appVersion.ts';
import { migrations as defaultMigrations, type Migration } from './migrations/index.ts';

export type ProjectDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /** Create the file when it does not exist (a new project). */
  create?: boolean;
  migrations?: readonly Migration[];
}

/**
 * SQLite's `application_id` header field for a KWS Studio project ("KWS1"), so `file(1)` and this
 * studio can tell a project from another program's database. Projects made before it was set are
 * recognised by their migration table and stamped on their next upgrade.
 */
export const PROJECT_APPLICATION_ID = 0x4b575331;

/**
 * Opens a project's SQLite file in WAL mode and applies pending migrations in one transaction.
 * A file that is not this studio's project (empty, another program's database, damaged), or one
 * written by a newer studio, is refused before anything is written to it.
 */
export function openProjectDatabase(file: string, options: OpenDatabaseOptions = {}): ProjectDatabase {
  const migrations = options.migrations ?? defaultMigrations;
  const latest = migrations.at(-1)?.version ?? 0;
  const exists = fs.existsSync(file);
  if (!exists && !options.create) {
    throw new StudioError('not_a_project', `${file} does not exist.`);
  }
  if (exists) {
    const { version, problems } = inspectProjectFile(file);
    if (version > latest) {
      throw new StudioError(
        'project_too_new',
        `${file} was written by a newer KWS Studio (schema ${version}; this version knows up to ${latest}). ` +
          'Update KWS Studio to open it; nothing was changed.',
      );
    }
    if (problems.length) throw damaged(file, problems.join('; '));
  }

  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    applyMigrations(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw asCorruption(error, file) ?? error;
  }
}

/** Reads `user_version` read-only, so checking a file never modifies it. */
export function readSchemaVersion(file: string): number {
  return readOnly(file, (db) => db.pragma('user_version', { simple: true }) as number);
}

/**
 * Decides, reading only, whether `file` is this studio's project, and returns its schema version and
 * what SQLite's quick check found wrong. Ours: our application_id, or (made before the id was set) a
 * schema version with the migration table. Anything else — an empty file, an empty database,
 * another program's database — is refused.
 *
 * The quick check (every page's structure, not index contents; about 1 ms per MB) refuses a file
 * damaged mid-way on open, naming it, rather than failing later in whatever query reads the bad page.
 */
function inspectProjectFile(file: string): { version: number; problems: string[] } {
  const { version, applicationId, tables, problems } = readOnly(file, (db) => {
    const header = {
      version: db.pragma('user_version', { simple: true }) as number,
      applicationId: db.pragma('application_id', { simple: true }) as number,
      tables: db
        .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
        .pluck()
        .all() as string[],
    };
    const checked = db.pragma('quick_check(3)') as { quick_check: string }[];
    // One row per problem, the first prefixed with the schema's banner line.
    const lines = checked
      .flatMap((row) => row.quick_check.split('\n'))
      .filter((line) => line !== 'ok' && !line.startsWith('*** in database'));
    return { ...header, problems: lines.slice(0, 3) };
  });
  if (
    applicationId === PROJECT_APPLICATION_ID ||
    (applicationId === 0 && version > 0 && tables.includes('schema_migrations'))
  ) {
    return { version, problems };
  }
  const untouched = 'nothing was changed';
  if (applicationId !== 0) {
    throw new StudioError(
      'not_a_project',
      `${file} is another program's SQLite database (application id 0x${(applicationId >>> 0).toString(16)}), not a KWS Studio project; ${untouched}.`,
    );
  }
  if (tables.length === 0) {
    const empty = fs.statSync(file).size === 0 ? 'is empty (0 bytes)' : 'is an empty SQLite database';
    throw new StudioError(
      'project_corrupt',
      `${file} ${empty}, not a KWS Studio project (a crash or a full disk while a project was created can leave one); ${untouched}. ` +
        'Restore it from a backup, or move it away and create the project again.',
    );
  }
  const listed = tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, … (${tables.length} tables)` : '');
  throw new StudioError(
    'not_a_project',
    `${file} is another program's SQLite database (tables: ${listed}), not a KWS Studio project; ${untouched}.`,
  );
}

function readOnly<T>(file: string, read: (db: Database.Database) => T): T {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return read(db);
  } catch (error) {
    if (error instanceof StudioError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw (
      asCorruption(error, file) ??
      new StudioError('project_corrupt', `${file} is not a readable SQLite database (${reason}); nothing was changed.`)
    );
  } finally {
    db?.close();
  }
}

/** SQLite's result codes for a damaged file (SQLITE_CORRUPT and its extended codes, SQLITE_NOTADB). */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** A damaged-database error naming the file, or null when `error` is something else. */
export function asCorruption(error: unknown, file: string): StudioError | null {
  if (!isCorruption(error)) return null;
  const reason = error instanceof Error ? error.message : String(error);
  // Not a database at all (another kind of file, or a header overwritten): nothing to recover from it.
  if ((error as { code?: unknown }).code === 'SQLITE_NOTADB')
    return new StudioError(
      'project_corrupt',
      `${file} is not a readable SQLite database (${reason}); nothing was changed.`,
    );
  return damaged(file, reason);
}

function damaged(file: string, problem: string): StudioError {
  return new StudioError(
    'project_corrupt',
    `${file} is damaged (SQLite: ${problem}); nothing was changed. Restore it from a backup; ` +
      `"sqlite3 ${file} .recover" can rescue what is still readable into a new file.`,
  );
}

function applyMigrations(db: Database.Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = migrations.filter((migration) => migration.version > current);
  if (pending.length === 0) return;
  // Foreign keys can only be switched outside a transaction; with them on, dropping a rebuilt table would cascade.
  const rebuilds = pending.some((migration) => migration.rebuildsTables);
  if (rebuilds) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL, app_version TEXT NOT NULL)`);
      const record = db.prepare(
        'INSERT INTO schema_migrations (version, name, applied_at, app_version) VALUES (?, ?, ?, ?)',
      );
      // References broken before the upgrade (by an old bug, say) are not the upgrade's doing.
      const brokenBefore = rebuilds ? (db.pragma('foreign_key_check') as unknown[]).length : 0;
      for (const migration of pending) {
        db.exec(migration.sql);
        migration.after?.(db);
        record.run(migration.version, migration.name, new Date().toISOString(), appVersion);
        db.pragma(`user_version = ${migration.version}`);
      }
      // New projects, and older ones as they upgrade, carry the studio's mark.
      db.pragma(`application_id = ${PROJECT_APPLICATION_ID}`);
      if (rebuilds) {
        const broken = (db.pragma('foreign_key_check') as unknown[]).length;
        if (broken > brokenBefore)
          throw new StudioError(
            'project_corrupt',
            `The upgrade would break ${broken - brokenBefore} references between tables; nothing was changed.`,
          );
      }
    })();
  } finally {
    if (rebuilds) db.pragma('foreign_keys = ON');
  }
}
