import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appVersion } from '../../src-main/services/appVersion.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { openProject } from '../../src-main/services/project/openProject.ts';
import type { OpenProject } from '../../src-main/services/project/ProjectSession.ts';
import { applyRunLog, type RunOp } from '../../src-main/services/training/runLog.ts';
import { claimRun, ownerOf, recoverOrphanRuns } from '../../src-main/services/runs/store/runOwners.ts';
import { createRun } from '../../src-main/services/runs/store/createRun.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { getRun } from '../../src-main/services/runs/store/getRun.ts';
import { recordMetrics } from '../../src-main/services/runs/store/recordMetrics.ts';
import { setRunStatus } from '../../src-main/services/runs/store/setRunStatus.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-one-writer-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'project');
/** A live process that is not this one: the owner of runs "trained elsewhere". */
let other: ChildProcess;
let project: OpenProject;
let snapshot: string;

beforeAll(async () => {
  await createWordsProject(home, projectDir, { perWord: 4, other: 2 });
  other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  project = openProject(projectDir);
  snapshot = createSnapshot(project.db);
});

afterAll(() => {
  project.db.close();
  other.kill('SIGKILL');
});

const elsewhere = () => ({ pid: other.pid!, host: os.hostname(), owner: 'kws-studio train' });
const dead = { pid: 2 ** 22 + 4321, host: os.hostname(), owner: 'a process that ended' };
const metricRows = (runId: string) =>
  project.db.prepare('SELECT key, step, value FROM metrics WHERE run_id = ? ORDER BY key, step').all(runId) as {
    key: string;
    step: number;
    value: number;
  }[];

describe('one writer per run: metrics', () => {
  it('stores a (key, step) point once; writing it again replaces its value', () => {
    const runId = createRun(project.db, smallSpec(2), snapshot, appVersion, dead);
    recordMetrics(project.db, runId, [
      { key: 'train_loss', step: 10, value: 0.9 },
      { key: 'val_accuracy', step: 10, value: 0.5 },
    ]);
    // A resumed run re-records the epoch its checkpoint did not keep: the value of the run that goes on wins.
    recordMetrics(project.db, runId, [
      { key: 'train_loss', step: 10, value: 0.7 },
      { key: 'val_accuracy', step: 10, value: 0.6 },
    ]);
    expect(metricRows(runId)).toEqual([
      { key: 'train_loss', step: 10, value: 0.7 },
      { key: 'val_accuracy', step: 10, value: 0.6 },
    ]);
    expect(getRun(project.db, runId)!.latest).toEqual({ train_loss: 0.7, val_accuracy: 0.6 });
  });

  it("replays a remote run's record log any number of times without duplicating a point", () => {
    const runId = createRun(project.db, smallSpec(2), snapshot, appVersion, dead);
    const log: RunOp[] = [
      { op: 'started', tensorflowVersion: 'test' },
      {
        op: 'metrics',
        points: [
          { key: 'epoch', step: 5, value: 1 },
          { key: 'step_loss', step: 5, value: 1.2 },
        ],
        time: '2026-01-01T00:00:00.000Z',
      },
      { op: 'checkpoint', epoch: 0 },
      {
        op: 'metrics',
        points: [
          { key: 'epoch', step: 10, value: 2 },
          { key: 'step_loss', step: 10, value: 0.8 },
        ],
        time: '2026-01-01T00:00:01.000Z',
      },
    ];
    // Live progress, then the same records again (a coordinator that restarted, a worker that took the job over).
    applyRunLog(project.db, runId, log, { replace: false });
    applyRunLog(project.db, runId, log, { replace: false });
    applyRunLog(project.db, runId, log.slice(1), { replace: false });
    expect(metricRows(runId)).toEqual([
      { key: 'epoch', step: 5, value: 1 },
      { key: 'epoch', step: 10, value: 2 },
      { key: 'step_loss', step: 5, value: 1.2 },
      { key: 'step_loss', step: 10, value: 0.8 },
    ]);
  });

  it('has a unique index on (run_id, key, step)', () => {
    const runId = createRun(project.db, smallSpec(2), snapshot, appVersion, dead);
    const insert = project.db.prepare(
      "INSERT INTO metrics (run_id, key, step, value, time) VALUES (?, 'loss', 1, 0.5, 'now')",
    );
    insert.run(runId);
    expect(() => insert.run(runId)).toThrow(/UNIQUE constraint failed: metrics.run_id, metrics.key, metrics.step/);
  });
});

describe('one writer per run: ownership', () => {
  it("refuses to delete a run a live process owns, naming it, whatever the run's status says", async () => {
    const studio = createServices({ home });
    await studio.services.project.open({ path: projectDir });
    const runId = createRun(project.db, smallSpec(2), snapshot, appVersion, elsewhere());
    // Claimed for a resume: the status is still the old one until its worker starts.
    setRunStatus(project.db, runId, 'interrupted', { error: 'interrupted: earlier' });
    await expect(studio.services.runs.deleteRuns({ runIds: [runId] })).rejects.toThrow(
      new RegExp(
        `Run ${runId} is being trained by kws-studio train \\(process ${other.pid} on ${os.hostname()}, since .+\\); cancel it there or wait for it to end`,
      ),
    );
    expect(project.db.prepare('SELECT deleted_at FROM runs WHERE id = ?').pluck().get(runId)).toBeNull();
    studio.dispose();
  });

  it('deletes a run left running by a process that is gone (it is interrupted first)', async () => {
    const studio = createServices({ home });
    await studio.services.project.open({ path: projectDir });
    const runId = createRun(project.db, smallSpec(2), snapshot, appVersion, dead);
    setRunStatus(project.db, runId, 'running');
    expect(await studio.services.runs.deleteRuns({ runIds: [runId] })).toEqual({ changed: 1 });
    const row = project.db.prepare('SELECT status, deleted_at AS deletedAt FROM runs WHERE id = ?').get(runId) as {
      status: string;
      deletedAt: string | null;
    };
    expect(row.status).toBe('interrupted');
    expect(row.deletedAt).not.toBeNull();
    expect(ownerOf(project.db, runId)).toBeNull();
    studio.dispose();
  });

  it('refuses to resume a run in the trash, and a deleted run cannot be claimed', async () => {
    const studio = createServices({ home });
    await studio.services.project.open({ path: projectDir });
    const runId = createRun(project.db, smallSpec(2), snapshot, appVersion, dead);
    setRunStatus(project.db, runId, 'cancelled', { error: 'cancelled by the user' });
    await studio.services.runs.deleteRuns({ runIds: [runId] });
    await expect(studio.services.training.resumeRun({ runId })).rejects.toThrow(
      new RegExp(`Run ${runId} is deleted; restore it .*before resuming`),
    );
    expect(() => claimRun(project.db, runId, elsewhere())).toThrow(/is deleted/);
    expect(ownerOf(project.db, runId)?.pid).not.toBe(other.pid);
    studio.dispose();
  });

  it('recovers runs left running or queued by a dead owner, or by none at all', () => {
    const running = createRun(project.db, smallSpec(2), snapshot, appVersion, dead);
    setRunStatus(project.db, running, 'running', { checkpointEpoch: 3 });
    const ownerless = createRun(project.db, smallSpec(2), snapshot, appVersion, dead);
    setRunStatus(project.db, ownerless, 'running');
    project.db.prepare('DELETE FROM run_owners WHERE run_id = ?').run(ownerless);
    const queued = createRun(project.db, smallSpec(2), snapshot, appVersion, dead);
    const live = createRun(project.db, smallSpec(2), snapshot, appVersion, elsewhere());
    setRunStatus(project.db, live, 'running');

    const recovered = recoverOrphanRuns(project.db);
    expect(recovered).toEqual(expect.arrayContaining([running, ownerless, queued]));
    expect(recovered).not.toContain(live);
    expect(getRun(project.db, running)).toMatchObject({
      status: 'interrupted',
      error: expect.stringMatching(/resume continues after epoch 4$/),
    });
    expect(getRun(project.db, ownerless)).toMatchObject({
      status: 'interrupted',
      error: expect.stringMatching(/^interrupted: its process ended without finishing the run; resume starts it over$/),
    });
    expect(getRun(project.db, queued)!.status).toBe('interrupted');
    expect(getRun(project.db, live)!.status).toBe('running');
    expect(ownerOf(project.db, live)!.pid).toBe(other.pid);
  });
});
