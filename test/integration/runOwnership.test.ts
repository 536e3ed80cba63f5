import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingProgress } from '../../src-shared/model/Run.ts';
import { appVersion } from '../../src-main/services/appVersion.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { openProject } from '../../src-main/services/project/openProject.ts';
import { LocalTrialExecutor } from '../../src-main/services/sweeps/LocalTrialExecutor.ts';
import { claimRun, ownerOf, recoverOrphanRuns, thisProcess } from '../../src-main/services/runs/store/runOwners.ts';
import { createRun } from '../../src-main/services/runs/store/createRun.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { getRun } from '../../src-main/services/runs/store/getRun.ts';
import { createWordsProject, gridSweep, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-owners-');
const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');
const home = path.join(dir, 'home');
const children: ChildProcess[] = [];
/** Long enough to be caught in the middle; each epoch takes a fraction of a second. */
const EPOCHS = 150;

afterAll(() => {
  for (const child of children) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone with its group.
    }
  }
});

async function preparedProject(name: string): Promise<string> {
  const projectDir = path.join(dir, name);
  await createWordsProject(home, projectDir);
  const specFile = path.join(dir, `${name}.json`);
  fs.writeFileSync(specFile, JSON.stringify(smallSpec(EPOCHS)));
  return projectDir;
}

/** `kws-studio train` in its own process group, so a test can kill it together with its worker. */
function startCliTraining(
  projectDir: string,
  specFile: string,
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, 'train', '--project', projectDir, '--spec', specFile], {
    env: { ...process.env, KWS_STUDIO_HOME: home },
    stdio: 'ignore',
    detached: true,
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

/** A CLI command run to its end, as a user in another terminal would. */
function cliRun(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KWS_STUDIO_HOME: home },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Reads the project database read-only, as another process would. */
function readProject<T>(projectDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The process that owns the run now (its training worker, once it has taken the run over). */
function ownerPid(projectDir: string, runId: string): number | undefined {
  return readProject(
    projectDir,
    (db) => db.prepare('SELECT pid FROM run_owners WHERE run_id = ?').pluck().get(runId) as number | undefined,
  );
}

/** Gone, or a zombie nobody reaps (a container's init may not): either way it runs no more. */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return true;
  }
}

/** No run has a (key, step) point twice, and SQLite finds the file sound. */
function expectSoundMetrics(projectDir: string): void {
  readProject(projectDir, (db) => {
    expect(
      db
        .prepare('SELECT COUNT(*) FROM (SELECT 1 FROM metrics GROUP BY run_id, key, step HAVING COUNT(*) > 1)')
        .pluck()
        .get(),
    ).toBe(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
}

/** Reads the project database from outside, as another process would, until `check` holds. */
async function waitForRun(
  projectDir: string,
  check: (run: { id: string; status: string; checkpoint_epoch: number | null }) => boolean,
  timeoutMs = 120_000,
) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true });
    try {
      const run = db.prepare('SELECT id, status, checkpoint_epoch FROM runs ORDER BY created_at DESC LIMIT 1').get() as
        { id: string; status: string; checkpoint_epoch: number | null } | undefined;
      if (run && check(run)) return run;
    } finally {
      db.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the run never reached the expected state');
}

describe('one owner per run', () => {
  it('a CLI run killed with SIGKILL (with its worker) is interrupted when the project opens, and resumes to the end', async () => {
    const projectDir = await preparedProject('killed');
    const { child, exited } = startCliTraining(projectDir, path.join(dir, 'killed.json'));
    const running = await waitForRun(
      projectDir,
      (run) => run.status === 'running' && (run.checkpoint_epoch ?? -1) >= 2,
    );
    const worker = ownerPid(projectDir, running.id)!;
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    // Reopened once both are gone: a killed process takes a moment to exit.
    await expect.poll(() => processGone(worker), { timeout: 10_000 }).toBe(true);

    const studio = createServices({ home });
    await studio.services.project.open({ path: projectDir });
    const run = await studio.services.runs.getRun({ runId: running.id });
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(
      /^interrupted: kws-studio train's training worker \(process \d+ on .+\) ended without finishing/,
    );
    expect(run.error).toMatch(/resume continues after epoch \d+/);

    const resumed = new Promise<TrainingProgress>((resolve) =>
      studio.services.training.onDidProgress((event) => {
        if (event.runId === running.id && event.status !== 'running' && event.status !== 'queued') resolve(event);
      }),
    );
    await studio.services.training.resumeRun({ runId: running.id });
    expect((await resumed).status).toBe('done');
    const detail = await studio.services.runs.getRun({ runId: running.id });
    const epochs = detail.metrics.epoch!.map((point) => point.value);
    // Every epoch once: the checkpointed ones kept, the interrupted one redone.
    expect(epochs).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    studio.dispose();
    expectSoundMetrics(projectDir);
  }, 300_000);

  it('refuses to resume or delete a run the CLI trains, naming its process; SIGTERM stops it interrupted, its worker gone', async () => {
    const projectDir = await preparedProject('terminated');
    const { child, exited } = startCliTraining(projectDir, path.join(dir, 'terminated.json'));
    const running = await waitForRun(
      projectDir,
      (run) => run.status === 'running' && (run.checkpoint_epoch ?? -1) >= 1,
    );
    const worker = ownerPid(projectDir, running.id)!;
    expect(worker).not.toBe(child.pid);

    const busy = new RegExp(
      `Run ${running.id} is being trained by kws-studio train's training worker \\(process ${worker} on ${os.hostname()}, since [^)]+\\); cancel it there or wait for it to end`,
    );
    const resumed = cliRun('runs', 'resume', running.id, '--project', projectDir);
    expect(resumed.code, resumed.stderr).toBe(2);
    expect(resumed.stderr).toMatch(busy);
    const deleted = cliRun('runs', 'delete', running.id, '--project', projectDir);
    expect(deleted.code, deleted.stderr).toBe(2);
    expect(deleted.stderr).toMatch(busy);
    expect(ownerPid(projectDir, running.id)).toBe(worker);

    // The CLI alone, as `kill` or a service manager would; it stops its worker and says why.
    process.kill(child.pid!, 'SIGTERM');
    expect(await exited).toBe(143);
    const run = readProject(projectDir, (db) =>
      db.prepare('SELECT status, error, deleted_at AS deletedAt FROM runs WHERE id = ?').get(running.id),
    ) as { status: string; error: string; deletedAt: string | null };
    expect(run).toMatchObject({ status: 'interrupted', deletedAt: null });
    expect(run.error).toMatch(/^interrupted: stopped by SIGTERM; resume continues after epoch \d+$/);
    expect(ownerPid(projectDir, running.id)).toBeUndefined();
    await expect.poll(() => processGone(worker), { timeout: 10_000 }).toBe(true);
    expectSoundMetrics(projectDir);
  }, 300_000);

  it('Ctrl+C (SIGINT to the whole process group) ends the run interrupted with exit code 130', async () => {
    const projectDir = await preparedProject('ctrl-c');
    const { child, exited } = startCliTraining(projectDir, path.join(dir, 'ctrl-c.json'));
    const running = await waitForRun(
      projectDir,
      (run) => run.status === 'running' && (run.checkpoint_epoch ?? -1) >= 1,
    );
    const worker = ownerPid(projectDir, running.id)!;
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(130);
    const run = readProject(projectDir, (db) =>
      db.prepare('SELECT status, error FROM runs WHERE id = ?').get(running.id),
    ) as { status: string; error: string };
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(/^interrupted: stopped by SIGINT; resume continues after epoch \d+$/);
    expect(ownerPid(projectDir, running.id)).toBeUndefined();
    await expect.poll(() => processGone(worker), { timeout: 10_000 }).toBe(true);
  }, 300_000);

  it('SIGTERM to a local sweep interrupts its trials, naming the signal, pauses it and leaves no worker', async () => {
    const projectDir = await preparedProject('sweep-term');
    const spec = gridSweep('signal sweep', EPOCHS, [{ path: 'model.firstConv.filters', values: [12, 16] }]);
    const specFile = path.join(dir, 'sweep-term.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const child = spawn(process.execPath, [cli, 'sweep', specFile, '--project', projectDir, '--json'], {
      env: { ...process.env, KWS_STUDIO_HOME: home },
      stdio: 'ignore',
      detached: true,
    });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const running = await waitForRun(
      projectDir,
      (run) => run.status === 'running' && (run.checkpoint_epoch ?? -1) >= 1,
    );
    const workers = readProject(
      projectDir,
      (db) => db.prepare("SELECT pid FROM run_owners WHERE owner LIKE '%training worker'").pluck().all() as number[],
    );
    expect(workers.length).toBeGreaterThan(0);
    process.kill(child.pid!, 'SIGTERM');
    expect(await exited).toBe(143);
    const state = readProject(projectDir, (db) => ({
      sweep: db.prepare('SELECT status FROM sweeps').pluck().get(),
      runs: db.prepare('SELECT id, status, error FROM runs').all() as {
        id: string;
        status: string;
        error: string | null;
      }[],
      owners: db.prepare('SELECT COUNT(*) FROM run_owners').pluck().get(),
    }));
    expect(state.sweep).toBe('paused');
    expect(state.owners).toBe(0);
    expect(state.runs.find((run) => run.id === running.id)).toMatchObject({
      status: 'interrupted',
      error: expect.stringMatching(/^interrupted: stopped by SIGTERM; resume continues after epoch \d+$/),
    });
    for (const run of state.runs) expect(run.status).not.toBe('running');
    for (const pid of workers) await expect.poll(() => processGone(pid), { timeout: 10_000 }).toBe(true);
  }, 300_000);

  it('a worker whose CLI was killed alone records that its controlling process ended, and leaves', async () => {
    const projectDir = await preparedProject('orphaned');
    const { child, exited } = startCliTraining(projectDir, path.join(dir, 'orphaned.json'));
    const running = await waitForRun(
      projectDir,
      (run) => run.status === 'running' && (run.checkpoint_epoch ?? -1) >= 1,
    );
    const worker = ownerPid(projectDir, running.id)!;
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    const run = await waitForRun(projectDir, (row) => row.id === running.id && row.status !== 'running');
    expect(run.status).toBe('interrupted');
    const error = readProject(projectDir, (db) =>
      db.prepare('SELECT error FROM runs WHERE id = ?').pluck().get(running.id),
    ) as string;
    expect(error).toMatch(/^interrupted: its controlling process ended; resume continues after epoch \d+$/);
    expect(error).not.toMatch(/cancelled/);
    await expect.poll(() => processGone(worker), { timeout: 10_000 }).toBe(true);
    expect(ownerPid(projectDir, running.id)).toBeUndefined();
  }, 300_000);

  it('a worker that lost its run to another process stops, and writes nothing more to it', async () => {
    const projectDir = await preparedProject('taken-over');
    const studio = createServices({ home });
    await studio.services.project.open({ path: projectDir });
    const ended = new Promise<TrainingProgress>((resolve) =>
      studio.services.training.onDidProgress((event) => event.status !== 'running' && resolve(event)),
    );
    const { id: runId } = await studio.services.training.startRun({ spec: smallSpec(EPOCHS) });
    await waitForRun(projectDir, (run) => run.id === runId && (run.checkpoint_epoch ?? -1) >= 1);
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(other);
    const db = studio.session.require().db;
    // Another process's claim, as a takeover writes it; what the run holds at that moment must stay.
    const before = db
      .transaction(() => {
        db.prepare("UPDATE run_owners SET pid = ?, owner = 'another process', host = ? WHERE run_id = ?").run(
          other.pid,
          os.hostname(),
          runId,
        );
        return db
          .prepare(
            'SELECT (SELECT COUNT(*) FROM metrics WHERE run_id = ?) AS points, status, checkpoint_epoch AS checkpointEpoch FROM runs WHERE id = ?',
          )
          .get(runId, runId);
      })
      .immediate();
    const end = await ended;
    expect(end.status).toBe('failed');
    expect(end.message).toMatch(
      new RegExp(
        `Run ${runId} was taken over by another process \\(process ${other.pid} on .+\\); this process stopped without writing to it`,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(
      db
        .prepare(
          'SELECT (SELECT COUNT(*) FROM metrics WHERE run_id = ?) AS points, status, checkpoint_epoch AS checkpointEpoch FROM runs WHERE id = ?',
        )
        .get(runId, runId),
    ).toEqual(before);
    expect(ownerOf(db, runId)).toMatchObject({ pid: other.pid, owner: 'another process' });
    other.kill('SIGKILL');
    studio.dispose();
  }, 300_000);

  it('refuses to resume a run a sweep of this same process is starting', async () => {
    const projectDir = await preparedProject('same-process');
    const studio = createServices({ home });
    await studio.services.project.open({ path: projectDir });
    const project = studio.session.require();
    const runId = createRun(project.db, smallSpec(EPOCHS), createSnapshot(project.db), appVersion);
    const executor = new LocalTrialExecutor(project, { slots: 1, threadsPerTrial: 1 });
    const outcome = executor.start({ runId, resume: false, jobKey: 'same-process.0.1' });
    // Its worker is still starting: the owner record names this very process.
    expect(ownerOf(project.db, runId)).toMatchObject({ pid: process.pid, owner: 'a sweep' });
    await expect(studio.services.training.resumeRun({ runId })).rejects.toThrow(
      new RegExp(`Run ${runId} is being trained by a sweep \\(process ${process.pid} on `),
    );
    executor.cancel(runId);
    expect((await outcome).status).toBe('cancelled');
    await executor.dispose();
    // Once the sweep has let it go, the run is this process's to resume.
    expect(ownerOf(project.db, runId)).toBeNull();
    studio.dispose();
  }, 300_000);

  it('shows progress of a run another process trains, refuses to train it twice, and cancels it through the database', async () => {
    const projectDir = await preparedProject('watched');
    const { exited } = startCliTraining(projectDir, path.join(dir, 'watched.json'));
    const studio = createServices({ home });
    await studio.services.project.open({ path: projectDir });
    const seen: TrainingProgress[] = [];
    const ended = new Promise<TrainingProgress>((resolve) =>
      studio.services.training.onDidProgress((event) => {
        seen.push(event);
        if (event.status === 'cancelled') resolve(event);
      }),
    );
    const running = await waitForRun(
      projectDir,
      (run) => run.status === 'running' && (run.checkpoint_epoch ?? -1) >= 1,
    );
    await expect
      .poll(() => seen.filter((event) => event.runId === running.id && event.step > 0).length, { timeout: 20_000 })
      .toBeGreaterThan(0);

    await expect(studio.services.training.resumeRun({ runId: running.id })).rejects.toThrow(
      /is being trained by kws-studio train's training worker \(process \d+/,
    );

    await studio.services.training.cancelRun({ runId: running.id });
    expect((await ended).runId).toBe(running.id);
    expect(await exited).toBe(130);
    const run = await studio.services.runs.getRun({ runId: running.id });
    expect(run.status).toBe('cancelled');
    studio.dispose();
  }, 300_000);

  it('judges owners by pid on this machine and by heartbeat elsewhere', async () => {
    const projectDir = await preparedProject('owners');
    const project = openProject(projectDir);
    const snapshot = createSnapshot(project.db);
    const owners = {
      mine: thisProcess('this test'),
      dead: { pid: 2 ** 22 + 12345, host: os.hostname(), owner: 'a process that ended' },
      fresh: { pid: 1, host: 'elsewhere', owner: 'a worker elsewhere' },
      stale: { pid: 1, host: 'elsewhere', owner: 'a silent worker' },
    };
    const mine = createRun(project.db, smallSpec(1), snapshot, appVersion, owners.mine);
    const deadPid = createRun(project.db, smallSpec(1), snapshot, appVersion, owners.dead);
    const remoteFresh = createRun(project.db, smallSpec(1), snapshot, appVersion, owners.fresh);
    const remoteStale = createRun(project.db, smallSpec(1), snapshot, appVersion, owners.stale);
    const noOwner = createRun(project.db, smallSpec(1), snapshot, appVersion);
    project.db.prepare('DELETE FROM run_owners WHERE run_id = ?').run(noOwner);
    project.db
      .prepare('UPDATE run_owners SET heartbeat_at = ? WHERE run_id = ?')
      .run(new Date(Date.now() - 3_600_000).toISOString(), remoteStale);

    expect(recoverOrphanRuns(project.db).sort()).toEqual([deadPid, remoteStale, noOwner].sort());
    expect(getRun(project.db, mine)!.status).toBe('queued');
    expect(getRun(project.db, remoteFresh)!.status).toBe('queued');
    expect(getRun(project.db, deadPid)!).toMatchObject({
      status: 'interrupted',
      error: expect.stringMatching(/a process that ended \(process \d+ on .+\) ended without finishing/),
    });
    expect(ownerOf(project.db, deadPid)).toBeNull();
    // A live owner elsewhere keeps its run; another process's claim names it.
    expect(() => claimRun(project.db, remoteFresh, thisProcess('this test'))).toThrow(
      /being trained by a worker elsewhere \(process 1 on elsewhere/,
    );
    project.db.close();
  }, 120_000);
});
