import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { openProject } from '../../src-main/services/project/openProject.ts';
import { migrations } from '../../src-main/store/migrations/index.ts';
import { openProjectDatabase, PROJECT_APPLICATION_ID } from '../../src-main/store/openProjectDatabase.ts';
import { tempDir } from '../support/tempDir.ts';
import { writeSource } from '../support/trainingData.ts';

/**
 * Opening refuses, without writing a byte, every project.sqlite that is not this studio's project
 * (empty, an empty database, another program's), and a project damaged mid-file: exit 4 (damaged)
 * or 3 (not a project) from the CLI, naming the file.
 */
const dir = tempDir('kws-refusal-');
const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');
const env = { ...process.env, KWS_STUDIO_HOME: path.join(dir, 'home') };

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The folder as bytes and times: what must not change when an open is refused. */
function fingerprint(folder: string): Record<string, string> {
  return Object.fromEntries(
    fs.readdirSync(folder).map((name) => {
      const file = path.join(folder, name);
      const stat = fs.statSync(file);
      const content = stat.isFile() ? createHash('sha256').update(fs.readFileSync(file)).digest('hex') : 'dir';
      return [name, `${content} ${stat.size} ${stat.mtimeMs}`];
    }),
  );
}

function projectFolder(name: string, write: (database: string) => void): { folder: string; database: string } {
  const folder = path.join(dir, name);
  fs.mkdirSync(path.join(folder, 'audio'), { recursive: true });
  const database = path.join(folder, 'project.sqlite');
  write(database);
  return { folder, database };
}

/** Opens through the service and through the CLI; both refuse with `code`/`exit`, and nothing in the folder changes. */
function expectRefused(
  folder: string,
  database: string,
  code: StudioError['code'],
  exit: number,
  message: RegExp,
): void {
  const before = fingerprint(folder);
  let thrown: unknown;
  try {
    openProject(folder).db.close();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(StudioError);
  expect((thrown as StudioError).code).toBe(code);
  expect((thrown as StudioError).message).toContain(database);
  expect((thrown as StudioError).message).toMatch(message);
  const cli = run('project', 'info', folder, '--json');
  expect(cli.code, cli.stderr).toBe(exit);
  expect(cli.stderr).toContain(database);
  expect(cli.stderr).toMatch(message);
  expect(fingerprint(folder)).toEqual(before);
}

describe('opening a file that is not this studio’s project', () => {
  it('refuses a 0-byte project.sqlite without migrating it (exit 4), and leaves it 0 bytes', () => {
    const { folder, database } = projectFolder('zero', (file) => fs.writeFileSync(file, ''));
    expectRefused(folder, database, 'project_corrupt', 4, /is empty \(0 bytes\).*nothing was changed/);
    expect(fs.statSync(database).size).toBe(0);
  });

  it('refuses an empty SQLite database (a header and no tables)', () => {
    const { folder, database } = projectFolder('blank', (file) => {
      const db = new Database(file);
      db.exec('CREATE TABLE t (x); DROP TABLE t;');
      db.close();
    });
    expect(fs.statSync(database).size).toBeGreaterThan(0);
    expectRefused(folder, database, 'project_corrupt', 4, /is an empty SQLite database/);
  });

  it('refuses another program’s database, by its tables or by its application id (exit 3)', () => {
    const byTables = projectFolder('other-app', (file) => {
      const db = new Database(file);
      db.exec(
        "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places (url) VALUES ('https://example.org');",
      );
      db.pragma('user_version = 3');
      db.close();
    });
    expectRefused(
      byTables.folder,
      byTables.database,
      'not_a_project',
      3,
      /another program's SQLite database \(tables: moz_places\)/,
    );

    // Even with tables named like ours: the header's application id says whose it is.
    const byId = projectFolder('other-id', (file) => {
      const db = new Database(file);
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);');
      db.pragma('user_version = 2');
      db.pragma('application_id = 1179011410');
      db.close();
    });
    expectRefused(byId.folder, byId.database, 'not_a_project', 3, /application id 0x46464952/);
  });

  it('opens a project made before the application id and marks it as it upgrades; new projects carry it', () => {
    const folder = path.join(dir, 'legacy');
    fs.mkdirSync(path.join(folder, 'audio'), { recursive: true });
    const database = path.join(folder, 'project.sqlite');
    const old = openProjectDatabase(database, {
      create: true,
      migrations: migrations.filter((item) => item.version <= 8),
    });
    old
      .prepare("INSERT INTO project (id, name, created_at, created_by_version) VALUES (1, 'legacy', 'then', '0.1.0')")
      .run();
    // As the studio wrote it at migration 8: no application id.
    old.pragma('application_id = 0');
    old.close();
    expect(readHeader(database).applicationId).toBe(0);

    const opened = run('project', 'info', folder, '--json');
    expect(opened.code, opened.stderr).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({ name: 'legacy', schemaVersion: migrations.at(-1)!.version });
    expect(readHeader(database)).toEqual({
      applicationId: PROJECT_APPLICATION_ID,
      version: migrations.at(-1)!.version,
    });

    const fresh = path.join(dir, 'fresh');
    expect(run('project', 'create', fresh).code).toBe(0);
    expect(readHeader(path.join(fresh, 'project.sqlite')).applicationId).toBe(PROJECT_APPLICATION_ID);
  });
});

describe('opening a project damaged mid-file', () => {
  it('exits 4 naming the file, and writes nothing to it', () => {
    const folder = path.join(dir, 'damaged');
    expect(run('project', 'create', folder).code).toBe(0);
    const imported = run('import', writeSource(dir), '--project', folder, '--json');
    expect(imported.code, imported.stderr).toBe(0);
    const database = path.join(folder, 'project.sqlite');
    // One file with no free pages, so the garbage lands on pages in use.
    const raw = new Database(database);
    raw.pragma('journal_mode = DELETE');
    raw.exec('VACUUM');
    raw.close();
    const pageSize = 4096;
    const pages = fs.statSync(database).size / pageSize;
    expect(pages).toBeGreaterThan(20);
    const handle = fs.openSync(database, 'r+');
    const garbage = Buffer.alloc(pageSize * 3, 0xa5);
    fs.writeSync(handle, garbage, 0, garbage.length, Math.floor(pages / 2) * pageSize);
    fs.closeSync(handle);

    expectRefused(folder, database, 'project_corrupt', 4, /is damaged \(SQLite: .+\); nothing was changed/);
  });
});

function readHeader(file: string): { applicationId: number; version: number } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      applicationId: db.pragma('application_id', { simple: true }) as number,
      version: db.pragma('user_version', { simple: true }) as number,
    };
  } finally {
    db.close();
  }
}
