import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { TrainingProgress } from '../../src-shared/model/Run.ts';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { appVersion } from '../../src-main/services/appVersion.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { openProject } from '../../src-main/services/project/openProject.ts';
import { createRun } from '../../src-main/services/runs/store/createRun.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { getRun } from '../../src-main/services/runs/store/getRun.ts';
import { setRunStatus } from '../../src-main/services/runs/store/setRunStatus.ts';
import { TrainingRunner } from '../../src-main/services/training/TrainingRunner.ts';
import { smallSpec, writeSource } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-training-');

async function preparedProject(name: string) {
  const studio = createServices({ home: path.join(dir, 'home') });
  const dispatcher = createDispatcher(studio.services);
  const client = createClient({
    invoke: (channel, input) => dispatcher.call(channel, input),
    subscribe: dispatcher.subscribe,
  });
  const projectDir = path.join(dir, name);
  await client.project.create({ path: projectDir });
  await client.project.importFolder({ path: source });
  await client.library.assignSplits({ validationPercent: 25, testPercent: 25 });
  return { studio, client, projectDir };
}

const source = writeSource(dir);

describe('training with real tfjs-node', () => {
  it('trains a short run in a worker process, records metrics, predictions and the TF.js model', async () => {
    const { studio, client, projectDir } = await preparedProject('project-a');
    const events: TrainingProgress[] = [];
    const finished = new Promise<TrainingProgress>((resolve) =>
      client.training.onDidProgress((event) => {
        events.push(event);
        if (event.status !== 'running') resolve(event);
      }),
    );
    const run = await client.training.startRun({ spec: smallSpec(8) });
    expect(run.status).toMatch(/queued|running/);
    const end = await finished;
    expect(end.status, end.message).toBe('done');

    const detail = await client.runs.getRun({ runId: run.id });
    expect(detail.status).toBe('done');
    const summary = detail.summary!;
    expect(summary.classes).toEqual(['_silence_', '_unknown_', 'yes', 'no', 'up']);
    expect(summary.testAccuracy).toBeGreaterThan(0.5);
    expect(summary.model.params).toBeGreaterThan(1000);
    expect(summary.model.macs).toBeGreaterThan(summary.model.params);
    expect(summary.model.gzipBytes).toBeLessThan(summary.model.sizeBytes * 1.1);
    expect(summary.latencyMs).toBeGreaterThan(0);
    expect(summary.confusion.flat().reduce((a, b) => a + b, 0)).toBe(
      summary.perClass.reduce((sum, item) => sum + item.support, 0),
    );
    expect(detail.metrics.val_accuracy!.map((point) => point.step)).toHaveLength(8);
    expect(detail.latest.test_accuracy).toBeCloseTo(summary.testAccuracy, 6);
    expect(events.some((event) => event.status === 'running' && event.loss !== null)).toBe(true);
    expect(fs.existsSync(path.join(projectDir, 'runs', run.id, 'model', 'model.json'))).toBe(true);

    const errors = await client.runs.predictions({ runId: run.id, split: 'test' });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({
      clipId: expect.any(Number),
      originalName: expect.stringMatching(/\.wav$/),
      confidence: expect.any(Number),
    });
    expect((await client.runs.listRuns()).map((item) => item.id)).toEqual([run.id]);
    studio.dispose();
  }, 180_000);

  it('marks a run whose worker is killed as failed, and resumes it from its last checkpoint', async () => {
    const { studio, projectDir } = await preparedProject('project-b');
    studio.dispose();
    const project = openProject(projectDir);
    const snapshot = createSnapshot(project.db);
    const runId = createRun(project.db, smallSpec(5), snapshot, appVersion);
    const runner = new TrainingRunner((id, message) => setRunStatus(project.db, id, 'failed', { error: message }));
    runner.onDidProgress((event) => {
      // Killed right after the second epoch's checkpoint.
      if (/^Epoch 2\/5: validation/.test(event.message)) process.kill(runner.pid(runId)!, 'SIGKILL');
    });
    const killed = await runner.start(projectDir, runId, false);
    expect(killed.status).toBe('failed');
    expect(killed.message).toMatch(/exited unexpectedly \(SIGKILL\)/);
    const failed = getRun(project.db, runId)!;
    expect(failed.status).toBe('failed');
    expect(failed.checkpointEpoch).toBeGreaterThanOrEqual(1);

    const resumed = await runner.start(projectDir, runId, true);
    expect(resumed.status, resumed.message).toBe('done');
    const done = getRun(project.db, runId)!;
    expect(done.status).toBe('done');
    expect(done.error).toBeNull();
    // Each epoch recorded once, in order, across the crash.
    expect(done.metrics.epoch!.map((point) => point.value)).toEqual([1, 2, 3, 4, 5]);
    expect(done.summary!.epochs).toBe(5);
    project.db.close();
  }, 240_000);
  it('cancels a run from the service, then resumes it to the end', async () => {
    const { studio, client } = await preparedProject('project-c');
    const events: TrainingProgress[] = [];
    let cancelled = false;
    const ended = (status: string) =>
      new Promise<TrainingProgress>((resolve) =>
        client.training.onDidProgress((event) => {
          events.push(event);
          if (!cancelled && /^Epoch 1\/6: validation/.test(event.message)) {
            cancelled = true;
            void client.training.cancelRun({ runId: event.runId });
          }
          if (event.status === status) resolve(event);
        }),
      );
    const cancelledEvent = ended('cancelled');
    const run = await client.training.startRun({ spec: smallSpec(6) });
    await cancelledEvent;
    const stopped = await client.runs.getRun({ runId: run.id });
    expect(stopped.status).toBe('cancelled');
    expect(stopped.checkpointEpoch).toBeGreaterThanOrEqual(0);
    await expect(client.training.cancelRun({ runId: run.id })).rejects.toMatchObject({ code: 'not_found' });

    const done = ended('done');
    await client.training.resumeRun({ runId: run.id });
    await done;
    const finished = await client.runs.getRun({ runId: run.id });
    expect(finished.status).toBe('done');
    expect(finished.metrics.epoch!.map((point) => point.value)).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(client.training.resumeRun({ runId: run.id })).rejects.toMatchObject({ code: 'invalid_input' });
    studio.dispose();
  }, 240_000);
  it('trains a Rep-InceptionNeXt model with pruning: exported merged, kernels at the scheduled sparsity', async () => {
    const { studio, client, projectDir } = await preparedProject('project-d');
    const finished = new Promise<TrainingProgress>((resolve) =>
      client.training.onDidProgress((event) => event.status !== 'running' && resolve(event)),
    );
    const spec: TrainSpec = {
      ...smallSpec(6),
      model: {
        kind: 'rep_inception',
        firstConv: { filters: 16, kernel: [10, 4], stride: [2, 2] },
        blocks: [16, 16],
        branchKernels: [3, 5],
        widthMultiplier: 1,
        dropout: 0.1,
      },
      pruning: {
        kind: 'polynomial',
        initialSparsity: 0,
        finalSparsity: 0.5,
        beginStep: 0,
        endStep: 12,
        power: 3,
        frequency: 2,
      },
    };
    const run = await client.training.startRun({ spec });
    const end = await finished;
    expect(end.status, end.message).toBe('done');
    const summary = (await client.runs.getRun({ runId: run.id })).summary!;
    expect(summary.pruning.length).toBeGreaterThan(3);
    for (const layer of summary.pruning) expect(layer.sparsity).toBeCloseTo(0.5, 1);
    // The merged model's depthwise kernels are new sums, so overall sparsity counts the pruned pointwise and dense kernels.
    expect(summary.model.sparsity).toBeGreaterThan(0.3);
    expect(summary.model.gzipBytes).toBeLessThan(summary.model.sizeBytes);
    const modelJson = JSON.parse(fs.readFileSync(path.join(projectDir, 'runs', run.id, 'model', 'model.json'), 'utf8'));
    expect(JSON.stringify(modelJson.modelTopology)).not.toMatch(/branch/i);
    studio.dispose();
  }, 240_000);
  it('is deterministic for a seed: the same spec on the same snapshot gives the same losses, in a fresh or a reused worker', async () => {
    const { studio, projectDir } = await preparedProject('project-e');
    studio.dispose();
    const project = openProject(projectDir);
    const snapshot = createSnapshot(project.db);
    const losses: number[][] = [];
    const train = async (runner: TrainingRunner) => {
      const runId = createRun(project.db, smallSpec(2), snapshot, appVersion);
      expect((await runner.start(projectDir, runId, false)).status).toBe('done');
      losses.push(getRun(project.db, runId)!.metrics.train_loss!.map((point) => point.value));
    };
    const runner = new TrainingRunner(() => {});
    for (let run = 0; run < 2; run++) await train(runner);
    expect(losses[0]).toHaveLength(2);
    expect(losses[1]).toEqual(losses[0]);

    // A sweep's runner keeps the worker for the next run: one process, the same numbers.
    const reusing = new TrainingRunner(() => {}, { reuseWorkers: true });
    const pids = new Set<number>();
    reusing.onDidProgress((progress) => {
      const pid = reusing.pid(progress.runId);
      if (pid) pids.add(pid);
    });
    for (let run = 0; run < 2; run++) await train(reusing);
    expect(pids.size).toBe(1);
    expect(losses[2]).toEqual(losses[0]);
    expect(losses[3]).toEqual(losses[0]);
    const [pid] = [...pids];
    reusing.dispose();
    await expect.poll(() => isAlive(pid!), { timeout: 10_000 }).toBe(false);
    project.db.close();
  }, 240_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
