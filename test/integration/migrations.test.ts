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
const withNext = [
  ...migrations,
  { version: migrations.length + 1, name: 'test_next', sql: 'ALTER TABLE clips ADD COLUMN rating INTEGER' },
];

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
    old
      .prepare(
        `INSERT INTO clips (hash, ext, source_path, original_name, duration_ms, sample_rate, channels, bits_per_sample, num_frames, added_at)
       VALUES ('abc', 'wav', '/x.wav', 'x.wav', 1000, 16000, 1, 16, 16000, 'now')`,
      )
      .run();
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

describe('migration 8 (runs rebuilt for the interrupted status)', () => {
  it('keeps every run with its metrics, tags, trials and change triggers, and accepts interrupted runs', () => {
    const file = path.join(dir, 'm007.sqlite');
    const old = openProjectDatabase(file, { create: true, migrations: migrations.slice(0, 7) });
    old.exec(`
      INSERT INTO snapshots (id, created_at, clip_count) VALUES ('snap-1', 'now', 0);
      INSERT INTO sweeps (id, name, spec_json, snapshot_id, status, created_at, app_version) VALUES ('sweep-1', 's', '{}', 'snap-1', 'done', 'now', '0');
      INSERT INTO runs (id, name, spec_json, spec_hash, snapshot_id, status, created_at, app_version, sweep_id, note, starred)
        VALUES ('run-a', 'A', '{}', 'h', 'snap-1', 'done', '2026-01-01', '0', 'sweep-1', 'kept', 1),
               ('run-b', 'B', '{}', 'h', 'snap-1', 'running', '2026-01-02', '0', NULL, '', 0);
      INSERT INTO metrics (run_id, key, step, value, time) VALUES ('run-a', 'val_accuracy', 10, 0.9, 'now');
      INSERT INTO latest_metrics (run_id, key, step, value, time) VALUES ('run-a', 'val_accuracy', 10, 0.9, 'now');
      INSERT INTO run_tags (run_id, tag) VALUES ('run-a', 'baseline');
      INSERT INTO trials (sweep_id, id, config, epochs, overrides_json, status, run_id, updated_at) VALUES ('sweep-1', 0, 0, 5, '{}', 'done', 'run-a', 'now');
    `);
    const runs = old.prepare('SELECT * FROM runs ORDER BY id').all();
    old.close();

    const db = openProjectDatabase(file);
    expect(db.prepare('SELECT * FROM runs ORDER BY id').all()).toEqual(runs);
    expect(db.prepare('SELECT COUNT(*) FROM metrics').pluck().get()).toBe(1);
    expect(db.prepare('SELECT tag FROM run_tags').pluck().all()).toEqual(['baseline']);
    expect(db.prepare('SELECT run_id FROM trials').pluck().all()).toEqual(['run-a']);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const seq = () =>
      db.prepare("SELECT seq FROM run_changes WHERE run_id = 'run-b'").pluck().get() as number | undefined;
    const before = seq() ?? 0;
    db.prepare("UPDATE runs SET status = 'interrupted' WHERE id = 'run-b'").run();
    expect(seq()).toBeGreaterThan(before);
    expect(() => db.prepare("UPDATE runs SET status = 'lost' WHERE id = 'run-b'").run()).toThrow(/CHECK constraint/);
    // Deleting a run still cascades to its metrics: the rebuilt table is the one the others reference.
    db.prepare('DELETE FROM trials').run();
    db.prepare("DELETE FROM runs WHERE id = 'run-a'").run();
    expect(db.prepare('SELECT COUNT(*) FROM metrics').pluck().get()).toBe(0);
    db.close();
  });
});

describe('migration 9 (one metric point per run, key and step)', () => {
  it("drops duplicated points, keeping the latest write, rebuilds those runs' latest values and makes the points unique", () => {
    const file = path.join(dir, 'm008.sqlite');
    const old = openProjectDatabase(file, { create: true, migrations: migrations.slice(0, 8) });
    old.exec(`
      INSERT INTO snapshots (id, created_at, clip_count) VALUES ('snap-1', 'now', 0);
      INSERT INTO runs (id, name, spec_json, spec_hash, snapshot_id, status, created_at, app_version)
        VALUES ('run-twice', 'two writers', '{}', 'h', 'snap-1', 'done', '2026-01-01', '0'),
               ('run-once', 'one writer', '{}', 'h', 'snap-1', 'done', '2026-01-02', '0');
      -- Two workers trained run-twice: each epoch's points twice, interleaved; the second writer's are later.
      INSERT INTO metrics (run_id, key, step, value, time) VALUES
        ('run-twice', 'val_accuracy', 10, 0.50, '2026-01-01T00:00:01Z'),
        ('run-twice', 'val_accuracy', 10, 0.55, '2026-01-01T00:00:02Z'),
        ('run-twice', 'val_accuracy', 20, 0.80, '2026-01-01T00:00:04Z'),
        ('run-twice', 'val_accuracy', 20, 0.70, '2026-01-01T00:00:03Z'),
        -- A log applied twice: the same time, so the later row wins.
        ('run-twice', 'train_loss', 20, 0.40, '2026-01-01T00:00:05Z'),
        ('run-twice', 'train_loss', 20, 0.30, '2026-01-01T00:00:05Z'),
        ('run-once', 'val_accuracy', 10, 0.90, '2026-01-02T00:00:01Z');
      INSERT INTO latest_metrics (run_id, key, step, value, time) VALUES
        ('run-twice', 'val_accuracy', 20, 0.70, '2026-01-01T00:00:03Z'),
        ('run-twice', 'train_loss', 20, 0.40, '2026-01-01T00:00:05Z'),
        ('run-once', 'val_accuracy', 10, 0.90, '2026-01-02T00:00:01Z');
    `);
    old.close();

    const db = openProjectDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    expect(db.prepare('SELECT run_id, key, step, value FROM metrics ORDER BY run_id, key, step').all()).toEqual([
      { run_id: 'run-once', key: 'val_accuracy', step: 10, value: 0.9 },
      { run_id: 'run-twice', key: 'train_loss', step: 20, value: 0.3 },
      { run_id: 'run-twice', key: 'val_accuracy', step: 10, value: 0.55 },
      { run_id: 'run-twice', key: 'val_accuracy', step: 20, value: 0.8 },
    ]);
    expect(db.prepare('SELECT run_id, key, step, value FROM latest_metrics ORDER BY run_id, key').all()).toEqual([
      { run_id: 'run-once', key: 'val_accuracy', step: 10, value: 0.9 },
      { run_id: 'run-twice', key: 'train_loss', step: 20, value: 0.3 },
      { run_id: 'run-twice', key: 'val_accuracy', step: 20, value: 0.8 },
    ]);
    const indexes = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'metrics' AND sql IS NOT NULL")
      .all();
    expect(indexes).toEqual([{ name: 'metrics_run_key_step', sql: expect.stringMatching(/^CREATE UNIQUE INDEX/) }]);
    expect(() =>
      db
        .prepare(
          "INSERT INTO metrics (run_id, key, step, value, time) VALUES ('run-once', 'val_accuracy', 10, 1, 'now')",
        )
        .run(),
    ).toThrow(/UNIQUE constraint/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The migration's scratch table is gone with it.
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_temp_master WHERE name LIKE 'm009%'").pluck().get()).toBe(0);
    db.close();
  });
});
