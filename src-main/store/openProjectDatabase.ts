import fs from 'node:fs';
import Database from 'better-sqlite3';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { appVersion } from '../services/appVersion.ts';
import { migrations as defaultMigrations, type Migration } from './migrations/index.ts';

export type ProjectDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /** Create the file when it does not exist (a new project). */
  create?: boolean;
  migrations?: readonly Migration[];
}

/**
 * Opens a project's SQLite file in WAL mode and applies pending migrations in one transaction.
 * A database written by a newer studio is refused before anything is written to it.
 */
export function openProjectDatabase(file: string, options: OpenDatabaseOptions = {}): ProjectDatabase {
  const migrations = options.migrations ?? defaultMigrations;
  const latest = migrations.at(-1)?.version ?? 0;
  const exists = fs.existsSync(file);
  if (!exists && !options.create) {
    throw new StudioError('not_a_project', `${file} does not exist.`);
  }
  if (exists) {
    const version = readSchemaVersion(file);
    if (version > latest) {
      throw new StudioError(
        'project_too_new',
        `${file} was written by a newer KWS Studio (schema ${version}; this version knows up to ${latest}). ` +
          'Update KWS Studio to open it; nothing was changed.',
      );
    }
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
    throw error;
  }
}

/** Reads `user_version` read-only, so checking a file never modifies it. */
export function readSchemaVersion(file: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StudioError('project_corrupt', `${file} is not a readable SQLite database (${reason}).`);
  } finally {
    db?.close();
  }
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
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at, app_version) VALUES (?, ?, ?, ?)');
      // References broken before the upgrade (by an old bug, say) are not the upgrade's doing.
      const brokenBefore = rebuilds ? (db.pragma('foreign_key_check') as unknown[]).length : 0;
      for (const migration of pending) {
        db.exec(migration.sql);
        migration.after?.(db);
        record.run(migration.version, migration.name, new Date().toISOString(), appVersion);
        db.pragma(`user_version = ${migration.version}`);
      }
      if (rebuilds) {
        const broken = (db.pragma('foreign_key_check') as unknown[]).length;
        if (broken > brokenBefore) throw new StudioError('project_corrupt', `The upgrade would break ${broken - brokenBefore} references between tables; nothing was changed.`);
      }
    })();
  } finally {
    if (rebuilds) db.pragma('foreign_keys = ON');
  }
}
