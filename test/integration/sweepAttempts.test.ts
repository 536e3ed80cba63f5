import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../src-shared/model/SweepSpec.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import type { OpenProject } from '../../src-main/services/project/ProjectSession.ts';
import { openProject } from '../../src-main/services/project/openProject.ts';
import { RunIndex } from '../../src-main/services/runs/RunIndex.ts';
import { sweepAnalysis } from '../../src-main/services/runs/sweepAnalysis.ts';
import { startSweep } from '../../src-main/services/sweeps/startSweep.ts';
import { SweepScheduler } from '../../src-main/services/sweeps/SweepScheduler.ts';
import type { TrialAttempt, TrialExecutor } from '../../src-main/services/sweeps/TrialExecutor.ts';
import { listTrials } from '../../src-main/services/sweeps/sweepStore.ts';
import { releaseRun, thisProcess } from '../../src-main/services/runs/store/runOwners.ts';
import { getRun } from '../../src-main/services/runs/store/getRun.ts';
import { setRunStatus } from '../../src-main/services/runs/store/setRunStatus.ts';
import type { RunOutcome } from '../../src-main/services/training/TrainingRunner.ts';
import { migrations } from '../../src-main/store/migrations/index.ts';
import { openProjectDatabase } from '../../src-main/store/openProjectDatabase.ts';
import { syntheticSummary } from '../support/syntheticRuns.ts';
import { createWordsProject, gridSweep, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-attempts-');

/**
 * Trials "trained" by a script instead of TensorFlow (the scheduler's queue, runs and attempts are
 * the real ones): each attempt ends as the script says — done (with a summary, as training writes
 * it), failed, or never (the process dies with it).
 */
class ScriptedExecutor implements TrialExecutor {
  readonly slots = 4;
  readonly concurrency = 4;
  readonly outlivesStudio = false;
  readonly running: string[] = [];
  readonly started: TrialAttempt[] = [];

  constructor(
    private readonly project: OpenProject,
    private readonly script: (attempt: TrialAttempt) => 'done' | 'failed' | 'hang',
  ) {}

  start(attempt: TrialAttempt): Promise<RunOutcome> {
    this.started.push(attempt);
    const step = this.script(attempt);
    const { db } = this.project;
    if (step === 'hang') {
      setRunStatus(db, attempt.runId, 'running');
      return new Promise(() => undefined);
    }
    if (step === 'failed') {
      setRunStatus(db, attempt.runId, 'failed', { error: 'worker crashed: out of memory' });
      return Promise.resolve({ status: 'failed', message: 'worker crashed: out of memory' });
    }
    const spec = JSON.parse(
      db.prepare('SELECT spec_json FROM runs WHERE id = ?').pluck().get(attempt.runId) as string,
    ) as ReturnType<typeof smallSpec>;
    const accuracy =
      0.5 + spec.model.kind.length / 100 + (spec.optimizer.kind === 'adam' ? spec.optimizer.beta1 / 10 : 0);
    setRunStatus(db, attempt.runId, 'done', {
      summary: syntheticSummary({
        id: attempt.runId,
        name: 'trial',
        createdAt: new Date().toISOString(),
        spec,
        status: 'done',
        valAccuracy: accuracy,
        testAccuracy: accuracy,
        params: 1000,
        gzipBytes: 4096,
        latencyMs: 1,
        sparsity: 0,
      }),
    });
    return Promise.resolve({ status: 'done', message: 'done' });
  }

  cancel(): void {}

  async dispose(): Promise<void> {}
}

function spec(): SweepSpec {
  return gridSweep('attempts', 2, [
    { path: 'model.firstConv.filters', values: [8, 16] },
    { path: 'optimizer.beta1', values: [0.9, 0.8] },
  ]);
}

async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a sweep trial attempted more than once', () => {
  it('keeps the dead and failed attempts as the trial’s history, with their runs, and counts the trial once', async () => {
    const projectDir = path.join(dir, 'project');
    await createWordsProject(path.join(dir, 'home'), projectDir);
    const first = openProject(projectDir);
    const sweepId = startSweep(first, spec());
    const trialOf = (runId: string) => listTrials(first.db, sweepId).find((trial) => trial.runId === runId)!;

    // The studio dies while trial "filters 16, beta1 0.8" trains: its worker never answers.
    const hung = (attempt: TrialAttempt) =>
      JSON.stringify(trialOf(attempt.runId).overrides) ===
      JSON.stringify({ 'model.firstConv.filters': 16, 'optimizer.beta1': 0.8 });
    const dying = new ScriptedExecutor(first, (attempt) => (hung(attempt) ? 'hang' : 'done'));
    void new SweepScheduler(first, sweepId, () => undefined, dying).run();
    await until(
      () => listTrials(first.db, sweepId).filter((trial) => trial.status === 'done').length === 3,
      'three finished trials',
    );
    const dead = listTrials(first.db, sweepId).find((trial) => trial.status === 'running')!;
    expect(getRun(first.db, dead.runId!)?.checkpointEpoch).toBeNull();
    // Its claim on the run dies with it.
    releaseRun(first.db, dead.runId!, thisProcess());

    // Restarted: the trial gets a new run (nothing to resume), whose worker crashes once, then trains.
    let retries = 0;
    const restarted = new ScriptedExecutor(first, () => (retries++ === 0 ? 'failed' : 'done'));
    expect(await new SweepScheduler(first, sweepId, () => undefined, restarted).run()).toBe('done');
    expect(restarted.started).toHaveLength(2);

    const studio = createServices({ home: path.join(dir, 'home') });
    await studio.services.project.open({ path: projectDir });
    const detail = await studio.services.sweeps.getSweep({ sweepId });
    // Four trials, all done: an interruption and one failure use up no trial and (interruption) no retry.
    expect(detail).toMatchObject({ total: 4, done: 4, failed: 0 });
    const retried = detail.trials.find((trial) => trial.id === dead.id)!;
    expect(retried).toMatchObject({ status: 'done', attempts: 3 });
    expect(retried.earlierAttempts).toEqual([
      {
        attempt: 1,
        runId: dead.runId,
        outcome: 'interrupted',
        error: expect.stringMatching(/^interrupted/),
        startedAt: expect.any(String),
        endedAt: expect.any(String),
      },
      {
        attempt: 2,
        runId: expect.any(String),
        outcome: 'failed',
        error: 'worker crashed: out of memory',
        startedAt: expect.any(String),
        endedAt: expect.any(String),
      },
    ]);
    const attemptRuns = retried.earlierAttempts.map((attempt) => attempt.runId!);
    expect(new Set([...attemptRuns, retried.runId]).size).toBe(3);
    for (const trial of detail.trials.filter((item) => item.id !== dead.id)) expect(trial.earlierAttempts).toEqual([]);

    // The runs stay (history), named as attempts of the trial, not as trials of their own.
    const db = studio.session.require().db;
    const runs = db
      .prepare('SELECT id, name, status FROM runs WHERE sweep_id = ? ORDER BY created_at')
      .all(sweepId) as { id: string; name: string; status: string }[];
    expect(runs).toHaveLength(6);
    const names = new Map(runs.map((run) => [run.id, run.name]));
    expect(names.get(retried.runId!)).toMatch(/ #\d \(attempt 3\)$/);
    expect(names.get(attemptRuns[1]!)).toMatch(/ #\d \(attempt 2\)$/);
    expect(runs.find((run) => run.id === attemptRuns[0])?.status).toBe('interrupted');

    // The analysis has one line per trial, on its current run; earlier attempts are not trials there either.
    const analysis = sweepAnalysis(db, new RunIndex(db), { sweepId });
    expect(analysis.trials.map((trial) => trial.runId).sort()).toEqual(
      detail.trials.map((trial) => trial.runId).sort(),
    );
    expect(analysis.trials.every((trial) => trial.status === 'done')).toBe(true);
    expect((await studio.services.sweeps.listSweeps()).find((sweep) => sweep.id === sweepId)).toMatchObject({
      total: 4,
      done: 4,
    });

    // Purging an earlier attempt's run keeps the attempt in the history, without its run.
    await studio.services.runs.deleteRuns({ runIds: [attemptRuns[0]!] });
    await studio.services.runs.purgeDeletedRuns({ runIds: [attemptRuns[0]!] });
    const after = (await studio.services.sweeps.getSweep({ sweepId })).trials.find((trial) => trial.id === dead.id)!;
    expect(after.earlierAttempts.map((attempt) => [attempt.attempt, attempt.runId, attempt.outcome])).toEqual([
      [1, null, 'interrupted'],
      [2, attemptRuns[1], 'failed'],
    ]);
    await studio.services.project.close();
    studio.dispose();
    first.db.close();
  }, 120_000);

  it('marks a trial failed after its second failed attempt', async () => {
    const projectDir = path.join(dir, 'project-failing');
    await createWordsProject(path.join(dir, 'home'), projectDir);
    const project = openProject(projectDir);
    const sweepId = startSweep(project, { ...spec(), axes: [{ path: 'model.firstConv.filters', values: [8] }] });
    const always = new ScriptedExecutor(project, () => 'failed');
    expect(await new SweepScheduler(project, sweepId, () => undefined, always).run()).toBe('done');
    const [trial] = listTrials(project.db, sweepId);
    expect(trial).toMatchObject({ status: 'failed', attempts: 2, error: 'worker crashed: out of memory' });
    project.db.close();
  }, 120_000);
});

describe('migration 10 (trial attempts)', () => {
  it('links a sweep’s earlier runs to their trials as attempts, oldest first, and the current run as the latest', () => {
    const file = path.join(dir, 'm009.sqlite');
    const old = openProjectDatabase(file, {
      create: true,
      migrations: migrations.filter((migration) => migration.version <= 9),
    });
    old.exec(`
      INSERT INTO snapshots (id, created_at, clip_count) VALUES ('snap-1', 'now', 0);
      INSERT INTO sweeps (id, name, spec_json, snapshot_id, status, created_at, app_version)
        VALUES ('sweep-1', 's', '{"base":{"name":"DS-CNN"}}', 'snap-1', 'done', 'now', '0');
      INSERT INTO runs (id, name, spec_json, spec_hash, snapshot_id, status, error, created_at, finished_at, app_version, sweep_id) VALUES
        ('run-a', 'DS-CNN #1', '{}', 'h', 'snap-1', 'cancelled', 'cancelled', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', '0', 'sweep-1'),
        ('run-b', 'DS-CNN #1 2', '{}', 'h', 'snap-1', 'done', NULL, '2026-01-01T00:02:00Z', '2026-01-01T00:03:00Z', '0', 'sweep-1'),
        ('run-c', 'DS-CNN #2', '{}', 'h', 'snap-1', 'done', NULL, '2026-01-01T00:00:30Z', '2026-01-01T00:02:30Z', '0', 'sweep-1'),
        ('run-d', 'DS-CNN #12', '{}', 'h', 'snap-1', 'interrupted', 'killed', '2026-01-01T00:00:40Z', NULL, '0', 'sweep-1');
      INSERT INTO trials (sweep_id, id, config, epochs, overrides_json, status, run_id, attempts, updated_at) VALUES
        ('sweep-1', 0, 0, 5, '{}', 'done', 'run-b', 3, 'now'),
        ('sweep-1', 1, 1, 5, '{}', 'done', 'run-c', 1, 'now'),
        ('sweep-1', 11, 11, 5, '{}', 'queued', NULL, 1, 'now');
    `);
    old.close();

    const db = openProjectDatabase(file);
    const attempts = db
      .prepare('SELECT trial_id, attempt, run_id, outcome FROM trial_attempts ORDER BY trial_id, attempt')
      .all();
    expect(attempts).toEqual([
      { trial_id: 0, attempt: 1, run_id: 'run-a', outcome: 'cancelled' },
      { trial_id: 0, attempt: 3, run_id: 'run-b', outcome: 'done' },
      { trial_id: 1, attempt: 1, run_id: 'run-c', outcome: 'done' },
      { trial_id: 11, attempt: 1, run_id: 'run-d', outcome: 'interrupted' },
    ]);
    db.close();
  });
});
