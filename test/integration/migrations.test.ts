import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src-main/store/migrations/index.ts';
import { openProjectDatabase, readSchemaVersion } from '../../src-main/store/openProjectDatabase.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir();
const hashOf = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const withNext = [...migrations, { version: migrations.length + 1, name: 'test_next', sql: 'ALTER TABLE clips ADD COLUMN rating INTEGER' }];

describe('project database migrations', () => {
  it('creates a WAL database at the latest migration', () => {
    const file = path.join(dir, 'fresh.sqlite');
    const db = openProjectDatabase(file, { create: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(applied).toEqual(migrations.map(({ version, name }) => ({ version, name })));
    db.close();
  });

  it('upgrades a database at migration N under N+1 and keeps its rows', () => {
    const file = path.join(dir, 'upgrade.sqlite');
    const old = openProjectDatabase(file, { create: true });
    old.prepare("INSERT INTO project (id, name, created_at, created_by_version) VALUES (1, 'p', 'now', '0')").run();
    old.prepare(
      `INSERT INTO clips (hash, ext, source_path, original_name, duration_ms, sample_rate, channels, bits_per_sample, num_frames, added_at)
       VALUES ('abc', 'wav', '/x.wav', 'x.wav', 1000, 16000, 1, 16, 16000, 'now')`,
    ).run();
    old.close();

    const upgraded = openProjectDatabase(file, { migrations: withNext });
    expect(upgraded.pragma('user_version', { simple: true })).toBe(withNext.length);
    expect(upgraded.prepare('SELECT hash, rating FROM clips').all()).toEqual([{ hash: 'abc', rating: null }]);
    upgraded.close();
  });

  it('refuses a database from a newer studio without writing to it', () => {
    const file = path.join(dir, 'newer.sqlite');
    openProjectDatabase(file, { create: true, migrations: withNext }).close();
    // Fold the WAL back in so the file on disk is the whole database.
    const raw = new Database(file);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = hashOf(file);
    const siblings = fs.readdirSync(dir).filter((name) => name.startsWith('newer'));

    expect(() => openProjectDatabase(file)).toThrow(/newer KWS Studio.*nothing was changed/s);
    expect(hashOf(file)).toBe(before);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('newer'))).toEqual(siblings);
    expect(readSchemaVersion(file)).toBe(withNext.length);
  });

  it('explains a file that is not a database', () => {
    const file = path.join(dir, 'garbage.sqlite');
    fs.writeFileSync(file, 'this is not sqlite at all, just text that is long enough to look like a header');
    expect(() => openProjectDatabase(file)).toThrow(/not a readable SQLite database/);
  });
});
