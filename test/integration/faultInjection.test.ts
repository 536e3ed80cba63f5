import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import { historySummary, undo, redo } from '../../src-main/services/library/undoRedo.ts';
import { openProject } from '../../src-main/services/project/openProject.ts';
import { checkProjectInvariants, reportFaults } from '../support/projectInvariants.ts';
import { createWordsProject, gridSweep, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';
import { encodeTestWav } from '../support/writeTestWav.ts';

/**
 * Fault injection: real CLI processes (and a label-editing child) killed with SIGKILL — the whole
 * process group, as a crash or an OOM kill would — at seeded points, then the project reopened by
 * a new process and its invariants checked (test/support/projectInvariants.ts), then the work
 * finished and checked for loss or duplication. Counts go to KWS_FAULT_REPORT for docs/benchmarks.md.
 */
const dir = tempDir('kws-faults-');
const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');
const editLabels = path.resolve(import.meta.dirname, '..', 'support', 'faultChildren', 'editLabels.ts');
const env = { ...process.env, KWS_STUDIO_HOME: path.join(dir, 'home') };

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis)
  console.warn(
    'skipping the Redis-worker fault injection: redis-server is not installed (apt-get install redis-server; .ci/run installs it)',
  );

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
});

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, timeout: 240_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts a process in its own group, so a kill takes its workers down with it. */
function startGroup(
  args: string[],
  command = process.execPath,
): { child: ChildProcess; output: () => string; exited: Promise<void> } {
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output: () => output, exited };
}

/** Waits until `ready` holds (true) or the process ends first (false). */
async function waitFor(ready: () => boolean, child: ChildProcess, what: string, timeoutMs = 180_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  return true;
}

async function killGroup(started: { child: ChildProcess; exited: Promise<void> }): Promise<void> {
  try {
    process.kill(-started.child.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
  await started.exited;
  // The group's other members (training workers) die a moment later; reopen only once all are gone.
  for (;;) {
    try {
      process.kill(-started.child.pid!, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Reopens the project in a new process (which recovers what the crash left), then checks every invariant. */
function reopenAndCheck(projectDir: string): number {
  const opened = run('project', 'info', projectDir, '--json');
  expect(opened.code, opened.stderr).toBe(0);
  const { violations, checked } = checkProjectInvariants(projectDir);
  expect(violations).toEqual([]);
  return checked;
}

function readOnly<T>(projectDir: string, query: (db: Database.Database) => T, fallback: T): T {
  let db: Database.Database | undefined;
  try {
    db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 1000');
    return query(db);
  } catch {
    return fallback;
  } finally {
    db?.close();
  }
}

/** `count` distinct points in [min, max], drawn from a seed, ascending. */
function seededPoints(seed: number, count: number, min: number, max: number): number[] {
  const range = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return createRandom(seed)
    .shuffle(range)
    .slice(0, count)
    .sort((a, b) => a - b);
}

describe('kill -9 during an import', () => {
  it('imports every source file exactly once, with no orphan file or row, however often the import is killed', async () => {
    // 4 labels × 150 distinct half-second tones: 600 files, three import batches.
    const source = path.join(dir, 'import-source');
    const random = createRandom(14);
    for (const word of ['one', 'two', 'three', 'four']) {
      fs.mkdirSync(path.join(source, word), { recursive: true });
      for (let i = 0; i < 150; i++) {
        const frequency = random.uniform(150, 3000);
        const samples = Float32Array.from(
          { length: 8000 },
          (_, n) => 0.4 * Math.sin((2 * Math.PI * frequency * n) / 16000) + random.gaussian() * 0.01,
        );
        fs.writeFileSync(path.join(source, word, `spk${i % 10}_nohash_${i}.wav`), encodeTestWav(samples));
      }
    }
    const projectDir = path.join(dir, 'import-project');
    expect(run('project', 'create', projectDir).code).toBe(0);
    const audioFiles = () =>
      fs.existsSync(path.join(projectDir, 'audio'))
        ? fs
            .readdirSync(path.join(projectDir, 'audio'), { recursive: true })
            .filter((name) => String(name).includes('.')).length
        : 0;

    let kills = 0;
    let invariantsChecked = 0;
    // Kill points: how many audio files were in the store (copies land before their batch's rows commit).
    for (const point of seededPoints(7, 10, 1, 580)) {
      const started = startGroup([cli, 'import', source, '--project', projectDir, '--json']);
      if (!(await waitFor(() => audioFiles() >= point, started.child, `${point} files in audio/`))) break;
      await killGroup(started);
      kills++;
      invariantsChecked += reopenAndCheck(projectDir);
    }
    expect(kills).toBeGreaterThanOrEqual(5);

    const finished = run('import', source, '--project', projectDir, '--json');
    expect(finished.code, finished.stderr).toBe(0);
    invariantsChecked += reopenAndCheck(projectDir);
    const sources = readOnly(
      projectDir,
      (db) => db.prepare('SELECT source_path FROM clips').pluck().all() as string[],
      [],
    );
    const expected = fs.readdirSync(source, { recursive: true }).filter((name) => String(name).endsWith('.wav'));
    expect(sources).toHaveLength(expected.length);
    expect(new Set(sources.map((file) => path.relative(source, path.resolve(source, file)))).size).toBe(
      expected.length,
    );
    reportFaults('import', { kills, invariantsChecked, lost: expected.length - new Set(sources).size });
  }, 600_000);
});

describe('kill -9 during label edits', () => {
  it("keeps every finished edit, each undoable, and loses no clip's label to a half-done one", async () => {
    const projectDir = path.join(dir, 'labels-project');
    await createWordsProject(path.join(dir, 'home'), projectDir);
    const labelsOf = () =>
      readOnly(projectDir, (db) => db.prepare('SELECT id, label_id FROM clips ORDER BY id').all(), [] as unknown[]);
    const initial = labelsOf();

    let kills = 0;
    let invariantsChecked = 0;
    const finishedEdits: string[] = [];
    const random = createRandom(21);
    for (let round = 0; round < 6; round++) {
      const started = startGroup(['--import', 'tsx', editLabels, projectDir, String(100 + round), '400']);
      const finishedBefore = () => started.output().split('\n').filter(Boolean).length;
      const target = random.int(5, 120);
      if (!(await waitFor(() => finishedBefore() >= target, started.child, `${target} label edits`))) break;
      await killGroup(started);
      kills++;
      const reported = started
        .output()
        .split('\n')
        .filter((line) => /^[\w-]+$/.test(line));
      finishedEdits.push(...reported);
      invariantsChecked += reopenAndCheck(projectDir);
      // Every edit the child saw finish is in the history, not undone.
      const inHistory = readOnly(
        projectDir,
        (db) =>
          new Set(
            db
              .prepare("SELECT batch_id FROM history_batches WHERE actor = 'fault-editor' AND undone_at IS NULL")
              .pluck()
              .all() as string[],
          ),
        new Set<string>(),
      );
      const lost = reported.filter((batchId) => !inHistory.has(batchId));
      expect(lost).toEqual([]);
      invariantsChecked++;
    }
    expect(kills).toBeGreaterThanOrEqual(5);

    // Undo every edit the editor made (including any that committed as it was killed): the labels are as before the first.
    const project = openProject(projectDir);
    try {
      const editorBatches = project.db
        .prepare("SELECT COUNT(*) FROM history_batches WHERE actor = 'fault-editor'")
        .pluck()
        .get() as number;
      expect(editorBatches).toBeGreaterThanOrEqual(finishedEdits.length);
      expect(editorBatches).toBeLessThanOrEqual(finishedEdits.length + kills);
      const afterEdits = project.db.prepare('SELECT id, label_id FROM clips ORDER BY id').all();
      for (let i = 0; i < editorBatches; i++) expect(undo(project)).not.toBeNull();
      expect(project.db.prepare('SELECT id, label_id FROM clips ORDER BY id').all()).toEqual(initial);
      for (let i = 0; i < editorBatches; i++) expect(redo(project)).not.toBeNull();
      expect(project.db.prepare('SELECT id, label_id FROM clips ORDER BY id').all()).toEqual(afterEdits);
      expect(historySummary(project).nextRedo).toBeNull();
    } finally {
      project.db.close();
    }
    invariantsChecked += checkProjectInvariants(projectDir).checked + 2;
    reportFaults('label edits', { kills, invariantsChecked, lost: 0 });
  }, 600_000);
});

describe('kill -9 during training', () => {
  it('recovers the run as interrupted each time, resumes it from its checkpoint, and records every epoch exactly once', async () => {
    const projectDir = path.join(dir, 'train-project');
    await createWordsProject(path.join(dir, 'home'), projectDir);
    const specFile = path.join(dir, 'train-spec.json');
    const epochs = 8;
    fs.writeFileSync(specFile, JSON.stringify(smallSpec(epochs)));
    const runState = () =>
      readOnly(
        projectDir,
        (db) =>
          db
            .prepare('SELECT id, status, checkpoint_epoch AS checkpoint FROM runs ORDER BY created_at DESC LIMIT 1')
            .get() as { id: string; status: string; checkpoint: number | null } | undefined,
        undefined,
      );

    let kills = 0;
    let invariantsChecked = 0;
    // The first kill lands before any checkpoint (while the worker starts); the others after seeded checkpoints.
    const points = [-1, ...seededPoints(3, 5, 0, epochs - 2)];
    let runId: string | undefined;
    for (const point of points) {
      const started =
        runId === undefined
          ? startGroup([cli, 'train', '--project', projectDir, '--spec', specFile, '--json'])
          : startGroup([cli, 'runs', 'resume', runId, '--project', projectDir]);
      const ready = () => {
        const state = runState();
        return state !== undefined && state.status === 'running' && (point < 0 || (state.checkpoint ?? -1) >= point);
      };
      if (!(await waitFor(ready, started.child, `checkpoint ${point}`)))
        throw new Error(`training ended before the kill point:\n${started.output()}`);
      runId = runState()!.id;
      await killGroup(started);
      kills++;
      invariantsChecked += reopenAndCheck(projectDir);
      expect(runState()).toMatchObject({ id: runId, status: 'interrupted' });
      invariantsChecked++;
    }

    const resumed = run('runs', 'resume', runId!, '--project', projectDir);
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    invariantsChecked += reopenAndCheck(projectDir);
    const epochsRecorded = readOnly(
      projectDir,
      (db) =>
        db.prepare("SELECT value FROM metrics WHERE run_id = ? AND key = 'epoch' ORDER BY step").pluck().all(runId),
      [],
    );
    expect(epochsRecorded).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
    expect(runState()).toMatchObject({ id: runId, status: 'done' });
    reportFaults('training', { kills, invariantsChecked, lost: 0 });
  }, 900_000);
});

describe('kill -9 during a local sweep', () => {
  it('finishes every trial exactly once across repeated kills of the coordinator and its workers', async () => {
    const projectDir = path.join(dir, 'sweep-project');
    await createWordsProject(path.join(dir, 'home'), projectDir);
    const spec = gridSweep('fault sweep', 3, [{ path: 'model.firstConv.filters', values: [8, 12, 16, 20] }]);
    const specFile = path.join(dir, 'fault-sweep.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const trials = () =>
      readOnly(
        projectDir,
        (db) => db.prepare('SELECT status, run_id FROM trials').all() as { status: string; run_id: string | null }[],
        [],
      );
    const doneRuns = () =>
      new Map(
        trials()
          .filter((trial) => trial.status === 'done')
          .map((trial) => [trial.run_id, true]),
      );

    let kills = 0;
    let invariantsChecked = 0;
    for (let round = 0; round < 3; round++) {
      const started = startGroup(
        round === 0
          ? [cli, 'sweep', specFile, '--project', projectDir, '--json']
          : [cli, 'sweep', '--resume', '--project', projectDir, '--json'],
      );
      const doneAtStart = doneRuns().size;
      // First kill with the first trials running, later ones with a trial running after one more finished.
      const ready = () =>
        (round === 0 || doneRuns().size > doneAtStart) && trials().some((trial) => trial.status === 'running');
      if (!(await waitFor(ready, started.child, 'a finished and a running trial'))) break;
      const keptBefore = [...doneRuns().keys()];
      await killGroup(started);
      kills++;
      invariantsChecked += reopenAndCheck(projectDir);
      // Finished trials keep their runs.
      for (const runId of keptBefore) expect(doneRuns().has(runId)).toBe(true);
      invariantsChecked++;
    }
    expect(kills).toBeGreaterThanOrEqual(2);

    const resumed = run('sweep', '--resume', '--project', projectDir, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'done', trials: 4, done: 4, failed: 0 });
    invariantsChecked += reopenAndCheck(projectDir);
    const finished = trials();
    expect(finished.map((trial) => trial.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(new Set(finished.map((trial) => trial.run_id)).size).toBe(4);
    reportFaults('local sweep', { kills, invariantsChecked, lost: 0 });
  }, 900_000);
});

describe.skipIf(!hasRedis)('kill -9 of Redis workers and the coordinator', () => {
  it('finishes every trial exactly once while workers die mid-trial and the coordinator dies once', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const redis = startGroup(
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      'redis-server',
    );
    const url = `redis://127.0.0.1:${port}`;
    await waitFor(() => /Ready to accept connections/.test(redis.output()), redis.child, 'redis-server');

    const projectDir = path.join(dir, 'redis-project');
    await createWordsProject(path.join(dir, 'home'), projectDir);
    const spec = gridSweep('redis fault sweep', 6, [{ path: 'model.firstConv.filters', values: [8, 12, 16] }]);
    const specFile = path.join(dir, 'redis-sweep.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const startWorker = () =>
      startGroup([cli, 'worker', '--redis', url, '--project', projectDir, '--threads', '1', '--stall-seconds', '2']);
    const workers = [startWorker(), startWorker()];
    let coordinator = startGroup([cli, 'sweep', specFile, '--project', projectDir, '--redis', url, '--json']);
    const checkpointOf = (runId: string) =>
      readOnly(
        projectDir,
        (db) =>
          (db.prepare('SELECT checkpoint_epoch FROM runs WHERE id = ?').pluck().get(runId) as number | null) ?? -1,
        -1,
      );
    const trainingOn = (worker: (typeof workers)[number]) => {
      const started = [...worker.output().matchAll(/(?:starting|resuming) (run-\S+)/g)].map((match) => match[1]!);
      const current = started.at(-1);
      return current && !worker.output().includes(`finished ${current}`) ? current : null;
    };

    let kills = 0;
    let invariantsChecked = 0;
    // Three worker kills, each once the trial it trains has passed a seeded checkpoint; the coordinator dies after the second.
    const random = createRandom(11);
    for (const [index, point] of [0, 1, 2].map(() => random.int(0, 3)).entries()) {
      let victim: (typeof workers)[number] | undefined;
      const ready = () => {
        victim = workers.find((worker) => {
          const runId = trainingOn(worker);
          return runId !== null && checkpointOf(runId) >= point;
        });
        return victim !== undefined;
      };
      if (!(await waitFor(ready, coordinator.child, `a worker past checkpoint ${point}`))) break;
      await killGroup(victim!);
      workers.splice(workers.indexOf(victim!), 1, startWorker());
      kills++;
      invariantsChecked += checkProjectInvariants(projectDir).checked;
      if (index === 1) {
        await killGroup(coordinator);
        kills++;
        invariantsChecked += reopenAndCheck(projectDir);
        coordinator = startGroup([cli, 'sweep', '--resume', '--project', projectDir, '--json']);
      }
    }
    expect(kills).toBeGreaterThanOrEqual(3);

    await coordinator.exited;
    expect(coordinator.child.exitCode, coordinator.output()).toBe(0);
    invariantsChecked += reopenAndCheck(projectDir);
    const trials = readOnly(
      projectDir,
      (db) => db.prepare('SELECT status, run_id FROM trials').all() as { status: string; run_id: string }[],
      [],
    );
    expect(trials.map((trial) => trial.status)).toEqual(['done', 'done', 'done']);
    for (const trial of trials) {
      const epochs = readOnly(
        projectDir,
        (db) =>
          db
            .prepare("SELECT value FROM metrics WHERE run_id = ? AND key = 'epoch' ORDER BY step")
            .pluck()
            .all(trial.run_id),
        [],
      );
      expect(epochs, trial.run_id).toEqual([1, 2, 3, 4, 5, 6]);
      invariantsChecked++;
    }
    for (const worker of workers) await killGroup(worker);
    await killGroup(redis);
    reportFaults('Redis sweep', { kills, invariantsChecked, lost: 0 });
  }, 900_000);
});
