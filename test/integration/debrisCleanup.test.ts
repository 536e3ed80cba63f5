import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import { FeatureCache } from '../../src-main/services/features/FeatureCache.ts';
import { hostTag } from '../../src-main/services/project/incomingAudio.ts';
import { loadTensorflow } from '../../src-main/services/tensorflow/loadTensorflow.ts';
import { saveCheckpoint } from '../../src-main/services/training/checkpointStore.ts';
import { tempDir } from '../support/tempDir.ts';
import { writeSource } from '../support/trainingData.ts';
import { encodeTestWav } from '../support/writeTestWav.ts';

/**
 * What a killed process or a full disk leaves in a project folder is settled on the next open (or at
 * once): copies waiting in audio/.incoming are moved into the store when their rows committed and
 * removed otherwise, store files no clip names are removed (once, for projects from before), and a
 * checkpoint cut off mid-write is cleaned up. Only files by the studio's own names whose writer is
 * gone are touched. A full disk is reported as such, naming the project's folder, with what was kept.
 */
const dir = tempDir('kws-debris-');
const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');
const env = { ...process.env, KWS_STUDIO_HOME: path.join(dir, 'home') };
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
});

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, timeout: 240_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A pid no process has any more. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

function readOnly<T>(projectDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Every file under `folder`, relative, with a hash of its content. */
function contents(folder: string): Map<string, string> {
  const files = fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return new Map(
    files.map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return [path.relative(folder, file), createHash('sha256').update(fs.readFileSync(file)).digest('hex')];
    }),
  );
}

/** The store matches the catalog: a file for every clip, a clip for every file, nothing waiting aside. */
function expectStoreMatchesCatalog(projectDir: string): void {
  const clips = readOnly(
    projectDir,
    (db) => db.prepare('SELECT hash, ext FROM clips').all() as { hash: string; ext: string }[],
  );
  const expected = new Set(clips.map((clip) => path.join('audio', clip.hash.slice(0, 2), `${clip.hash}.${clip.ext}`)));
  const stored = [...contents(path.join(projectDir, 'audio')).keys()].map((name) => path.join('audio', name));
  expect(stored.filter((name) => !expected.has(name))).toEqual([]);
  expect([...expected].filter((name) => !stored.includes(name))).toEqual([]);
  expect(
    fs.existsSync(path.join(projectDir, 'audio', '.incoming'))
      ? fs.readdirSync(path.join(projectDir, 'audio', '.incoming'))
      : [],
  ).toEqual([]);
}

describe('opening a project after a crash', () => {
  it('finishes or removes what was left aside, only by the studio’s names and only when its writer is gone', () => {
    const projectDir = path.join(dir, 'settle');
    const source = writeSource(path.join(dir, 'settle-source'));
    const sourceBefore = contents(source);
    expect(run('project', 'create', projectDir).code).toBe(0);
    expect(run('import', source, '--project', projectDir).code).toBe(0);
    const clips = readOnly(
      projectDir,
      (db) => db.prepare('SELECT hash, ext FROM clips ORDER BY id').all() as { hash: string; ext: string }[],
    );
    const audio = path.join(projectDir, 'audio');
    const incoming = path.join(audio, '.incoming');
    fs.mkdirSync(incoming, { recursive: true });
    const dead = deadPid();
    const host = hostTag();
    const storeFile = (hash: string, ext = 'wav') => path.join(audio, hash.slice(0, 2), `${hash}.${ext}`);

    // Killed between the commit of a batch and the move of its copies: the row is there, the copy aside.
    const committed = clips[0]!;
    const committedBytes = fs.readFileSync(storeFile(committed.hash));
    fs.renameSync(storeFile(committed.hash), path.join(incoming, `${committed.hash}.wav.${dead}@${host}.tmp`));
    // Killed before the commit: a copy without a row.
    const uncommitted = createHash('sha256').update('never committed').digest('hex');
    fs.writeFileSync(path.join(incoming, `${uncommitted}.wav.${dead}@${host}.tmp`), randomBytes(1000));
    // An import still at work in another process, one on another machine, and a file that is not the studio's.
    const sleeper = spawn('sleep', ['60']);
    children.push(sleeper);
    const live = path.join(
      incoming,
      `${createHash('sha256').update('live').digest('hex')}.wav.${sleeper.pid}@${host}.tmp`,
    );
    const remote = path.join(
      incoming,
      `${createHash('sha256').update('remote').digest('hex')}.wav.${dead}@another-machine.tmp`,
    );
    const foreign = path.join(incoming, 'notes.txt');
    for (const file of [live, remote, foreign]) fs.writeFileSync(file, 'keep me');

    // Debris of an earlier version's import, in place: checked once on this open.
    execute(projectDir, 'UPDATE project SET audio_checked_at = NULL');
    const orphan = createHash('sha256').update('orphan').digest('hex');
    fs.mkdirSync(path.dirname(storeFile(orphan)), { recursive: true });
    fs.writeFileSync(storeFile(orphan), randomBytes(500));
    const oldTemporary = `${storeFile(clips[1]!.hash)}.${dead}.tmp`;
    fs.writeFileSync(oldTemporary, randomBytes(500));
    const readme = path.join(path.dirname(storeFile(orphan)), 'README');
    const misplaced = path.join(audio, 'zz', `${orphan}.wav`);
    fs.mkdirSync(path.dirname(misplaced), { recursive: true });
    for (const file of [readme, misplaced]) fs.writeFileSync(file, 'not the store’s');

    // A run whose worker was killed while it wrote its checkpoints.
    const runDir = interruptedRunMidCheckpoint(projectDir, dead);

    const opened = run('project', 'info', projectDir, '--json');
    expect(opened.code, opened.stderr).toBe(0);

    expect(fs.readFileSync(storeFile(committed.hash))).toEqual(committedBytes);
    expect(fs.readdirSync(incoming).sort()).toEqual([path.basename(live), 'notes.txt', path.basename(remote)].sort());
    for (const file of [live, remote, foreign, readme, misplaced]) expect(fs.existsSync(file), file).toBe(true);
    expect(fs.existsSync(storeFile(orphan))).toBe(false);
    expect(fs.existsSync(oldTemporary)).toBe(false);
    expect(readOnly(projectDir, (db) => db.prepare('SELECT audio_checked_at FROM project').pluck().get())).toEqual(
      expect.any(String),
    );
    expect(fs.readdirSync(runDir).sort()).toEqual(['best', 'checkpoint']);
    expect(fs.readFileSync(path.join(runDir, 'best', 'meta.json'), 'utf8')).toBe('{"epoch":1}');
    expect(contents(source)).toEqual(sourceBefore);

    sleeper.kill('SIGKILL');
    for (const file of [live, remote, foreign, readme, misplaced]) fs.rmSync(file);
    fs.rmdirSync(path.dirname(misplaced));
    expectStoreMatchesCatalog(projectDir);
  }, 120_000);

  it('after a kill -9 mid-import, the next open leaves a store that matches the catalog, and the import finishes without loss', async () => {
    const source = path.join(dir, 'kill-source');
    const random = createRandom(3);
    for (const word of ['left', 'right']) {
      fs.mkdirSync(path.join(source, word), { recursive: true });
      for (let i = 0; i < 250; i++) {
        const frequency = random.uniform(200, 3000);
        fs.writeFileSync(
          path.join(source, word, `spk${i % 5}_nohash_${i}.wav`),
          encodeTestWav(
            Float32Array.from({ length: 8000 }, (_, n) => 0.4 * Math.sin((2 * Math.PI * frequency * n) / 16000)),
          ),
        );
      }
    }
    const projectDir = path.join(dir, 'killed');
    expect(run('project', 'create', projectDir).code).toBe(0);
    const incoming = path.join(projectDir, 'audio', '.incoming');
    const child = spawn(process.execPath, [cli, 'import', source, '--project', projectDir], { env, stdio: 'ignore' });
    children.push(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Past the first batch's commit, with copies of the second waiting aside.
    const clipCount = () => {
      try {
        return readOnly(projectDir, (db) => db.prepare('SELECT COUNT(*) FROM clips').pluck().get() as number);
      } catch {
        return 0;
      }
    };
    const deadline = Date.now() + 120_000;
    while (
      !(clipCount() >= 200 && fs.existsSync(incoming) && fs.readdirSync(incoming).length >= 20) &&
      Date.now() < deadline &&
      child.exitCode === null
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGKILL');
    await exited;
    expect(fs.readdirSync(incoming).length).toBeGreaterThan(0);

    const opened = run('project', 'info', projectDir, '--json');
    expect(opened.code, opened.stderr).toBe(0);
    expectStoreMatchesCatalog(projectDir);

    const finished = run('import', source, '--project', projectDir, '--json');
    expect(finished.code, finished.stderr).toBe(0);
    expectStoreMatchesCatalog(projectDir);
    expect(readOnly(projectDir, (db) => db.prepare('SELECT COUNT(*) FROM clips').pluck().get())).toBe(500);
  }, 240_000);
});

describe('a full disk', () => {
  const mountPoint = path.join(dir, 'small-disk');
  let notMounted: string | null = null;
  beforeAll(() => {
    fs.mkdirSync(mountPoint, { recursive: true });
    // 3 MiB: room for the project, its database and one batch of copies, not for all 4.8 MiB of audio.
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint], { encoding: 'utf8' });
    if (mount.status !== 0)
      notMounted = `cannot mount a small tmpfs here (${(mount.stderr || mount.error?.message || `exit ${mount.status}`).trim()}); it needs root`;
  });
  afterAll(() => {
    if (notMounted === null) spawnSync('umount', ['-l', mountPoint]);
  });

  it('stops an import with "the disk holding PATH is full", keeps whole batches, leaves nothing half-written, and the project opens', async ({
    skip,
  }) => {
    if (notMounted !== null) {
      console.warn(`skipped: ${notMounted}`);
      skip(notMounted);
    }
    const source = path.join(dir, 'full-source', 'word');
    fs.mkdirSync(source, { recursive: true });
    const random = createRandom(9);
    // 600 quarter-second noises (8 KB each): three import batches of 200.
    for (let i = 0; i < 600; i++) {
      const samples = Float32Array.from({ length: 4000 }, () => random.gaussian() * 0.2);
      fs.writeFileSync(path.join(source, `spk${i % 5}_nohash_${i}.wav`), encodeTestWav(samples));
    }
    const projectDir = path.join(mountPoint, 'project');
    expect(run('project', 'create', projectDir).code).toBe(0);

    const imported = run('import', path.dirname(source), '--project', projectDir);
    expect(imported.code).toBe(1);
    const message = imported.stderr.trim();
    console.log(`full disk: ${message}`);
    expect(message).toMatch(
      new RegExp(
        `^kws-studio: The disk holding ${projectDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is full: (nothing was imported|the (\\d+) files imported before it filled up are kept, the other \\d+ were not imported) and no partial copy was left\\. Free some space and import again`,
      ),
    );
    const kept = Number(/the (\d+) files imported/.exec(message)?.[1] ?? 0);
    // Whole batches: at least the first, never part of one.
    expect(kept).toBeGreaterThan(0);
    expect(kept % 200).toBe(0);

    // Still full: the project opens, its database whole, its store matching its catalog.
    const opened = run('project', 'info', projectDir, '--json');
    expect(opened.code, opened.stderr).toBe(0);
    expect(JSON.parse(opened.stdout).clipCount).toBe(kept);
    expect(readOnly(projectDir, (db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
    expectStoreMatchesCatalog(projectDir);
    expect([...contents(projectDir).keys()].filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 240_000);
  it('names the disk and what was kept when a feature cache entry or a training checkpoint cannot be written', async ({
    skip,
  }) => {
    if (notMounted !== null) {
      console.warn(`skipped: ${notMounted}`);
      skip(notMounted);
    }
    const { tf } = await loadTensorflow();
    const cacheDir = path.join(mountPoint, 'cache');
    const cache = new FeatureCache(cacheDir);
    const matrix = (seed: number) => ({
      frames: 98,
      bins: 40,
      data: Float32Array.from({ length: 98 * 40 }, (_, i) => Math.sin(seed + i)),
    });
    cache.put('ab'.repeat(32), 'cd'.repeat(8), matrix(1));
    const runDir = path.join(mountPoint, 'runs', 'run-full');
    const weights = (size: number) =>
      new Map([['dense/kernel', tf.tensor1d(Float32Array.from({ length: size }, (_, i) => i))]]);
    saveCheckpoint(path.join(runDir, 'checkpoint'), weights(1000), { epoch: 0 });

    const filler = fillDisk(mountPoint);
    try {
      cache.put('ef'.repeat(32), 'cd'.repeat(8), matrix(2));
      const status = cache.status();
      expect(status).toMatchObject({ entries: 1, writeFailures: 1 });
      expect(status.lastWriteError).toBe(
        `The disk holding ${cacheDir} is full: the 1 cached feature file is kept, and features that cannot be stored are computed again when needed. Free some space, or lower the cache cap.`,
      );
      expect(cache.get('ab'.repeat(32), 'cd'.repeat(8))?.frames).toBe(98);

      expect(() => saveCheckpoint(path.join(runDir, 'checkpoint'), weights(200_000), { epoch: 1 })).toThrow(
        `The disk holding ${runDir} is full: the previous checkpoint is kept whole and this one was not written. Free some space, then resume the run: it continues from its last whole checkpoint.`,
      );
      expect(fs.readdirSync(runDir)).toEqual(['checkpoint']);
      expect(JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoint', 'meta.json'), 'utf8'))).toEqual({ epoch: 0 });
      expect([...contents(cacheDir).keys()].filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      fs.rmSync(filler);
    }
  });
});

/** Writes a file until the disk under `folder` is full; returns it. */
function fillDisk(folder: string): string {
  const filler = path.join(folder, 'filler');
  const handle = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) fs.writeSync(handle, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(handle);
  }
  return filler;
}

/** A run left running by a worker that was killed between the two renames of its 'best' checkpoint, with a half-written 'checkpoint'. */
function interruptedRunMidCheckpoint(projectDir: string, deadPid: number): string {
  const db = new Database(path.join(projectDir, 'project.sqlite'));
  const now = new Date().toISOString();
  db.prepare("INSERT INTO snapshots (id, created_at, clip_count) VALUES ('snap-debris', ?, 0)").run(now);
  db.prepare(
    `INSERT INTO runs (id, name, spec_json, spec_hash, snapshot_id, status, created_at, started_at, app_version, checkpoint_epoch)
     VALUES ('run-debris', 'debris', '{}', 'h', 'snap-debris', 'running', ?, ?, 'test', 1)`,
  ).run(now, now);
  db.prepare(
    "INSERT INTO run_owners (run_id, pid, host, owner, started_at, heartbeat_at) VALUES ('run-debris', ?, ?, 'training worker', ?, ?)",
  ).run(deadPid, os.hostname(), now, now);
  db.close();
  const runDir = path.join(projectDir, 'runs', 'run-debris');
  for (const [folder, meta] of [
    ['checkpoint', '{"epoch":1}'],
    [`checkpoint.tmp-${deadPid}`, '{"epoch":2'],
    [`best.old-${deadPid}`, '{"epoch":1}'],
  ] as const) {
    fs.mkdirSync(path.join(runDir, folder), { recursive: true });
    fs.writeFileSync(path.join(runDir, folder, 'meta.json'), meta);
  }
  return runDir;
}

function execute(projectDir: string, sql: string): void {
  const db = new Database(path.join(projectDir, 'project.sqlite'));
  db.exec(sql);
  db.close();
}
