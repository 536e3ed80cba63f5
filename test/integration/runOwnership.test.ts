import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingProgress } from '../../src-shared/model/Run.ts';
import { appVersion } from '../../src-main/services/appVersion.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { openProject } from '../../src-main/services/project/createProjectService.ts';
import { claimRun, ownerOf, recoverOrphanRuns, thisProcess } from '../../src-main/services/training/runOwners.ts';
import { createRun, createSnapshot, getRun } from '../../src-main/services/training/runStore.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
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
function startCliTraining(projectDir: string, specFile: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, 'train', '--project', projectDir, '--spec', specFile], {
    env: { ...process.env, KWS_STUDIO_HOME: home },
    stdio: 'ignore',
    detached: true,
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

/** Reads the project database from outside, as another process would, until `check` holds. */
async function waitForRun(projectDir: string, check: (run: { id: string; status: string; checkpoint_epoch: number | null }) => boolean, timeoutMs = 120_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true });
    try {
      const run = db.prepare('SELECT id, status, checkpoint_epoch FROM runs ORDER BY created_at DESC LIMIT 1').get() as
        | { id: string; status: string; checkpoint_epoch: number | null }
        | undefined;
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
    const running = await waitForRun(projectDir, (run) => run.status === 'running' && (run.checkpoint_epoch ?? -1) >= 2);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;

    const studio = createServices({ home });
    await studio.services.project.open({ path: projectDir });
    const run = await studio.services.training.getRun({ runId: running.id });
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(/^interrupted: kws-studio train's training worker \(process \d+ on .+\) ended without finishing/);
    expect(run.error).toMatch(/resume continues after epoch \d+/);

    const resumed = new Promise<TrainingProgress>((resolve) =>
      studio.services.training.onDidProgress((event) => {
        if (event.runId === running.id && event.status !== 'running' && event.status !== 'queued') resolve(event);
      }),
    );
    await studio.services.training.resumeRun({ runId: running.id });
    expect((await resumed).status).toBe('done');
    const detail = await studio.services.training.getRun({ runId: running.id });
    const epochs = detail.metrics.epoch!.map((point) => point.value);
    // Every epoch once: the checkpointed ones kept, the interrupted one redone.
    expect(epochs).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
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
    const running = await waitForRun(projectDir, (run) => run.status === 'running' && (run.checkpoint_epoch ?? -1) >= 1);
    await expect.poll(() => seen.filter((event) => event.runId === running.id && event.step > 0).length, { timeout: 20_000 }).toBeGreaterThan(0);

    await expect(studio.services.training.resumeRun({ runId: running.id })).rejects.toThrow(/is being trained by kws-studio train's training worker \(process \d+/);

    await studio.services.training.cancelRun({ runId: running.id });
    expect((await ended).runId).toBe(running.id);
    expect(await exited).toBe(130);
    const run = await studio.services.training.getRun({ runId: running.id });
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
    project.db.prepare('UPDATE run_owners SET heartbeat_at = ? WHERE run_id = ?').run(new Date(Date.now() - 3_600_000).toISOString(), remoteStale);

    expect(recoverOrphanRuns(project.db).sort()).toEqual([deadPid, remoteStale, noOwner].sort());
    expect(getRun(project.db, mine)!.status).toBe('queued');
    expect(getRun(project.db, remoteFresh)!.status).toBe('queued');
    expect(getRun(project.db, deadPid)!).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/a process that ended \(process \d+ on .+\) ended without finishing/) });
    expect(ownerOf(project.db, deadPid)).toBeNull();
    // A live owner elsewhere keeps its run; another process's claim names it.
    expect(() => claimRun(project.db, remoteFresh, thisProcess('this test'))).toThrow(/being trained by a worker elsewhere \(process 1 on elsewhere/);
    project.db.close();
  }, 120_000);
});
