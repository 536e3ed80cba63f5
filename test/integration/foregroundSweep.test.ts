import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { SweepProgressEvent } from '../../src-shared/model/Sweep.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { processAlive } from '../../src-main/services/processAlive.ts';
import { createWordsProject, gridSweep } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-foreground-sweep-');
const home = path.join(dir, 'home');
/** Long enough to pause in the middle of a trial, short enough to finish both afterwards. */
const EPOCHS = 30;

/**
 * `kws-studio sweep` stays in the foreground through the service table alone: startSweep, runSweep
 * (which resolves once the scheduler has let go), pauseSweep with a reason on a signal. Called here
 * through the schema-checking dispatcher, as the UI would.
 */
describe('a sweep run in the foreground through the sweep service', () => {
  it('says its warnings at the start, pauses with a reason (trials interrupted for it, workers gone), and runs on to the end', async () => {
    const projectDir = path.join(dir, 'project');
    await createWordsProject(home, projectDir);
    const studio = createServices({ home });
    const dispatcher = createDispatcher(studio.services);
    const client = createClient({
      invoke: (channel, input) => dispatcher.call(channel, input),
      subscribe: dispatcher.subscribe,
    });
    await client.project.open({ path: projectDir });
    const db = studio.session.require().db;

    await expect(client.sweeps.runSweep({ sweepId: 'sweep-nope' })).rejects.toMatchObject({
      code: 'not_found',
      message: 'There is no sweep sweep-nope in this project.',
    });
    await expect(client.sweeps.pauseSweep({ sweepId: 'sweep-nope', reason: '' })).rejects.toMatchObject({
      code: 'invalid_input',
    });

    // A size bound no trial can break: a warning the sweep should say before its first trial.
    const spec = {
      ...gridSweep('foreground', EPOCHS, [{ path: 'model.firstConv.filters', values: [8, 16] }]),
      constraints: { maxGzipKb: 100_000, maxLatencyMs: null, minValAccuracy: null },
    };
    const checked = await client.sweeps.check({ spec });
    expect(checked.warnings).toEqual([expect.stringMatching(/^No trial can break the 100000 KB size bound/)]);
    const events: SweepProgressEvent[] = [];
    client.sweeps.onDidProgress((event) => events.push(event));
    const started = await client.sweeps.startSweep({ spec });
    expect(started).toMatchObject({ status: 'running', total: 2, warnings: checked.warnings });
    const sweepId = started.id;

    // The sweep the service already runs is waited for, not started twice.
    const first = client.sweeps.runSweep({ sweepId });
    const second = client.sweeps.runSweep({ sweepId });
    const checkpointed = () =>
      db
        .prepare("SELECT id FROM runs WHERE sweep_id = ? AND status = 'running' AND checkpoint_epoch >= 1")
        .pluck()
        .all(sweepId) as string[];
    await expect.poll(checkpointed, { timeout: 240_000, interval: 100 }).not.toEqual([]);
    const workers = db
      .prepare("SELECT pid FROM run_owners WHERE owner LIKE '%training worker'")
      .pluck()
      .all() as number[];
    expect(workers.length).toBeGreaterThan(0);
    await client.sweeps.pauseSweep({ sweepId, reason: 'stopped by the test' });

    const paused = await first;
    expect(await second).toEqual(paused);
    expect(paused).toMatchObject({ id: sweepId, status: 'paused', total: 2 });
    expect(events.filter((event) => event.sweepId === sweepId).at(-1)).toMatchObject({ status: 'paused' });
    // Resolved only once the scheduler had let go: no run owned by anyone, no worker left.
    expect(db.prepare('SELECT COUNT(*) FROM run_owners').pluck().get()).toBe(0);
    for (const pid of workers) await expect.poll(() => processAlive(pid), { timeout: 10_000 }).toBe(false);
    const runs = db
      .prepare('SELECT id, status, error, checkpoint_epoch AS checkpointEpoch FROM runs WHERE sweep_id = ?')
      .all(sweepId) as { id: string; status: string; error: string | null; checkpointEpoch: number | null }[];
    const interrupted = runs.filter((run) => run.status !== 'done');
    expect(interrupted.length).toBeGreaterThan(0);
    for (const run of interrupted)
      expect(run).toMatchObject({
        status: 'interrupted',
        error: expect.stringMatching(/^interrupted: stopped by the test/),
      });
    const resumable = interrupted.find((run) => run.checkpointEpoch !== null)!;
    expect(resumable.error).toMatch(/^interrupted: stopped by the test; resume continues after epoch \d+$/);
    // Paused, not running: pausing again has nothing to stop.
    await expect(client.sweeps.pauseSweep({ sweepId })).rejects.toMatchObject({ code: 'not_found' });

    // Run again: it picks up where it stood, the interrupted trial resuming its own run.
    const done = await client.sweeps.runSweep({ sweepId });
    expect(done).toMatchObject({ status: 'done', total: 2, done: 2, failed: 0 });
    expect(
      done.trials.every((trial) => trial.status === 'done' && trial.valAccuracy !== null && trial.meetsConstraints),
    ).toBe(true);
    expect(done.trials.some((trial) => trial.pareto)).toBe(true);
    expect(done.trials.map((trial) => trial.runId)).toContain(resumable.id);
    expect(db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(resumable.id)).toBe('done');
    expect(await client.sweeps.getSweep({ sweepId })).toEqual(done);
    expect(db.prepare('SELECT COUNT(*) FROM run_owners').pluck().get()).toBe(0);
    studio.dispose();
  }, 600_000);
});
