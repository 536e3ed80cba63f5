import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../src-shared/model/SweepSpec.ts';
import { parseSweepSpec } from '../../src-shared/contract/sweepSpecSchema.ts';
import { expandSweep } from '../../src-shared/sweep/expandSweep.ts';
import { paretoFront, type TrialScore } from '../../src-main/services/sweeps/trialScores.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { createWordsProject, gridSweep, smallSpec, writeSource } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-sweep-');
const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');
const env = { ...process.env, KWS_STUDIO_HOME: path.join(dir, 'home') };

function sweepSpec(): SweepSpec {
  return gridSweep('kill test', 4, [
    { path: 'model.firstConv.filters', values: [8, 16] },
    { path: 'optimizer.beta1', values: [0.9, 0.8] },
  ]);
}

describe('sweep specs', () => {
  it('expand a grid in axis order, draw random trials reproducibly, and explain bad axes', () => {
    const grid = expandSweep(sweepSpec());
    expect(grid.map((trial) => trial.overrides)).toEqual([
      { 'model.firstConv.filters': 8, 'optimizer.beta1': 0.9 },
      { 'model.firstConv.filters': 8, 'optimizer.beta1': 0.8 },
      { 'model.firstConv.filters': 16, 'optimizer.beta1': 0.9 },
      { 'model.firstConv.filters': 16, 'optimizer.beta1': 0.8 },
    ]);
    expect(grid[2]!.spec.model).toMatchObject({ firstConv: { filters: 16 } });
    const random: SweepSpec = {
      ...sweepSpec(),
      axes: [{ path: 'schedule.rate', range: { min: 1e-4, max: 1e-1, scale: 'log', integer: false } }],
      strategy: { kind: 'random', trials: 5, seed: 3 },
    };
    const rates = expandSweep(random).map((trial) => trial.overrides['schedule.rate'] as number);
    expect(rates).toEqual(expandSweep(random).map((trial) => trial.overrides['schedule.rate']));
    expect(rates.every((rate) => rate >= 1e-4 && rate <= 1e-1)).toBe(true);
    expect(() => parseSweepSpec({ ...sweepSpec(), axes: [{ path: 'model.nope', values: [1] }] })).toThrow(
      /"model.nope" names no field of the base spec/,
    );
    expect(() => parseSweepSpec({ ...sweepSpec(), axes: [{ path: 'model.firstConv.filters', values: [0] }] })).toThrow(
      /trial 1 \(model.firstConv.filters=0\) is not a valid run: model.firstConv.filters/,
    );
    expect(() => parseSweepSpec({ ...sweepSpec(), axes: [{ path: 'pruning.finalSparsity', values: [0.5] }] })).toThrow(
      /axis "pruning.finalSparsity" sets a field of "pruning", which is off \(null\) in the base spec/,
    );
  });

  it('keep on the Pareto front exactly the trials nothing beats on every objective', () => {
    const score = (trialId: number, valAccuracy: number, gzipKb: number, latencyMs: number): TrialScore => ({
      trialId,
      config: trialId,
      rung: 0,
      runId: `run-${trialId}`,
      overrides: {},
      valAccuracy,
      testAccuracy: valAccuracy,
      gzipKb,
      latencyMs,
      int8Accuracy: null,
      int8ZlibKb: null,
      int8LatencyMs: null,
      meetsConstraints: trialId !== 4,
    });
    const front = paretoFront(
      [
        score(0, 0.9, 50, 1),
        score(1, 0.95, 80, 1),
        score(2, 0.85, 60, 1.2),
        score(3, 0.9, 40, 1),
        score(4, 0.99, 10, 0.1),
      ],
      ['val_accuracy', 'gzip_kb', 'latency_ms'],
    );
    expect(front.map((item) => item.trialId).sort()).toEqual([1, 3]);
  });
});

describe('a sweep killed mid-way', () => {
  it('resumes after SIGKILL of the whole app: finished trials kept, interrupted ones resumed, none lost or duplicated', async () => {
    const projectDir = path.join(dir, 'project');
    await createWordsProject(path.join(dir, 'home'), projectDir);
    const specFile = path.join(dir, 'sweep.json');
    fs.writeFileSync(specFile, JSON.stringify(sweepSpec()));

    // Its own process group, so the kill takes the trial workers down with it, as a crash would.
    const child = spawn(process.execPath, [cli, 'sweep', specFile, '--project', projectDir, '--json'], {
      env,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true });
    const count = (status: string) => {
      try {
        return db.prepare('SELECT COUNT(*) FROM trials WHERE status = ?').pluck().get(status) as number;
      } catch {
        return 0;
      }
    };
    const deadline = Date.now() + 120_000;
    while (!(count('done') >= 1 && count('running') >= 1) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(count('done'), stderr).toBeGreaterThanOrEqual(1);
    const doneBefore = db.prepare("SELECT id, run_id FROM trials WHERE status = 'done' ORDER BY id").all();
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(count('running')).toBeGreaterThanOrEqual(1);

    const resumed = spawnSync(process.execPath, [cli, 'sweep', '--resume', '--project', projectDir, '--json'], {
      env,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result).toMatchObject({ status: 'done', trials: 4, done: 4, failed: 0 });
    expect(result.leaderboard).toHaveLength(4);
    // Finished trials kept their runs; every trial has exactly one finished run.
    const after = db.prepare("SELECT id, run_id FROM trials WHERE status = 'done' ORDER BY id").all() as {
      id: number;
      run_id: string;
    }[];
    for (const before of doneBefore as { id: number; run_id: string }[])
      expect(after.find((trial) => trial.id === before.id)?.run_id).toBe(before.run_id);
    const doneRuns = db
      .prepare("SELECT COUNT(*) FROM runs WHERE sweep_id IS NOT NULL AND status = 'done'")
      .pluck()
      .get();
    expect(doneRuns).toBe(4);
    expect(new Set(after.map((trial) => trial.run_id)).size).toBe(4);
    db.close();
  }, 300_000);
});

describe('sweep presets', () => {
  it('ship the edge Go/Stop (float and int8), MFCC and pruning grids, each valid down to every trial', async () => {
    const { loadPresets } = await import('../../src-main/services/features/loadFeaturePresets.ts');
    const presets = loadPresets('sweeps', parseSweepSpec);
    expect(presets.map((preset) => preset.id)).toEqual([
      'edge-go-stop-grid',
      'edge-go-stop-int8',
      'mfcc-grid',
      'pruning-grid',
    ]);
    expect(presets.map((preset) => expandSweep(preset.spec).length)).toEqual([12, 8, 16, 12]);
    // The int8 grid measures every trial's int8 TFLite model, which its constraint and objectives read.
    const int8 = presets.find((preset) => preset.id === 'edge-go-stop-int8')!.spec;
    expect(int8.base.deploy).toMatchObject({ quantize: 'int8' });
    expect(int8.constraints.maxInt8ZlibKb).toBeGreaterThan(0);
    expect(int8.objectives).toContain('int8_zlib_kb');
  });
});

describe('the sweep service', () => {
  it('checks a spec, runs a sweep with progress events, pauses and resumes it, and reports trials with the Pareto front', async () => {
    const { createClient } = await import('../../src-shared/contract/createClient.ts');
    const { createDispatcher } = await import('../../src-shared/contract/dispatch.ts');
    const studio = createServices({ home: path.join(dir, 'home-service') });
    const dispatcher = createDispatcher(studio.services);
    const client = createClient({
      invoke: (channel, input) => dispatcher.call(channel, input),
      subscribe: dispatcher.subscribe,
    });
    const projectDir = path.join(dir, 'project-service');
    await client.project.create({ path: projectDir });
    const source = path.join(dir, 'source');
    await client.project.importFolder({ path: fs.existsSync(source) ? source : writeSource(dir) });
    await client.library.assignSplits({ validationPercent: 25, testPercent: 25 });

    // No finished run to measure yet: no estimate.
    expect(await client.sweeps.check({ spec: sweepSpec() })).toEqual({
      trials: 4,
      problems: [],
      warnings: [],
      etaSeconds: null,
      slots: expect.any(Number),
    });
    const bad = await client.sweeps.check({
      spec: { ...sweepSpec(), axes: [{ path: 'model.firstConv.filters', values: [] }] },
    });
    expect(bad.problems.join(' ')).toMatch(/at least one value/);
    expect(bad.warnings).toEqual([]);

    // Warnings from the project's data: TF-MOT's usual pruning steps never come in these short trials, so the sparsity axis changes nothing.
    const tfmot: SweepSpec = {
      ...sweepSpec(),
      base: {
        ...smallSpec(4),
        pruning: {
          kind: 'polynomial',
          initialSparsity: 0,
          finalSparsity: 0.5,
          power: 3,
          beginStep: 200,
          endStep: 2000,
          frequency: 100,
        },
      },
      axes: [{ path: 'pruning.finalSparsity', values: [0.5, 0.9] }],
      constraints: { maxGzipKb: 100_000, maxLatencyMs: null, minValAccuracy: null },
    };
    const warned = await client.sweeps.check({ spec: tfmot });
    expect(warned.problems).toEqual([]);
    expect(warned.warnings).toEqual([
      expect.stringMatching(
        /^In every trial, pruning never starts: it begins at step 200, after the run's last step \(\d+\)\./,
      ),
      expect.stringMatching(
        /^No trial can break the 100000 KB size bound: even uncompressed, the largest model's float32 weights are [\d.]+ KB\./,
      ),
      expect.stringMatching(
        /^One trial repeats another: trial 2 \(pruning.finalSparsity=0.9\) would train exactly like trial 1 \(pruning.finalSparsity=0.5\), because in \d+ steps neither prunes a weight\.$/,
      ),
    ]);
    // Timed as shares of the run, the same grid prunes each trial to its own sparsity.
    const shares: SweepSpec = {
      ...tfmot,
      base: {
        ...tfmot.base,
        pruning: {
          kind: 'polynomial',
          initialSparsity: 0,
          finalSparsity: 0.5,
          power: 3,
          beginFraction: 0.1,
          endFraction: 0.7,
          frequencyFraction: 0.05,
        },
      },
    };
    expect((await client.sweeps.check({ spec: { ...shares, constraints: sweepSpec().constraints } })).warnings).toEqual(
      [],
    );

    const spec: SweepSpec = { ...sweepSpec(), base: smallSpec(2) };
    const events: string[] = [];
    let paused = false;
    const ended = new Promise<void>((resolve) =>
      client.sweeps.onDidProgress((event) => {
        events.push(event.status);
        if (!paused && event.done >= 1) {
          paused = true;
          void client.sweeps.pauseSweep({ sweepId: event.sweepId }).catch(() => undefined);
        }
        if (event.status === 'done') resolve();
        if (event.status === 'paused') void client.sweeps.resumeSweep({ sweepId: event.sweepId });
        expect(events.filter((status) => status === 'paused').length).toBeLessThanOrEqual(1);
      }),
    );
    const sweep = await client.sweeps.startSweep({ spec });
    await ended;
    expect(events).toContain('paused');
    const detail = await client.sweeps.getSweep({ sweepId: sweep.id });
    expect(detail).toMatchObject({ status: 'done', total: 4, done: 4, failed: 0 });
    expect(detail.trials.every((trial) => trial.valAccuracy !== null && trial.runId)).toBe(true);
    expect(detail.trials.some((trial) => trial.pareto)).toBe(true);
    // The costliest trials (the wider first convolution) start first, so short ones fill the end.
    const firstRun = (
      studio.session.require().db.prepare('SELECT id FROM runs ORDER BY rowid LIMIT 1').get() as { id: string }
    ).id;
    expect(detail.trials.find((trial) => trial.runId === firstRun)?.overrides['model.firstConv.filters']).toBe(16);
    expect((await client.sweeps.listSweeps()).map((item) => item.id)).toEqual([sweep.id]);

    // The builder's estimate now comes from these trials: near what they took, spread over the slots; linear in epochs.
    const estimate = await client.sweeps.check({ spec });
    const runs = studio.session
      .require()
      .db.prepare("SELECT created_at AS started, finished_at AS finished FROM runs WHERE status = 'done'")
      .all() as { started: string; finished: string }[];
    const spent =
      runs.reduce((sum, run) => sum + (Date.parse(run.finished) - Date.parse(run.started)) / 1000, 0) / estimate.slots;
    console.log(
      `sweep estimate: ${estimate.etaSeconds?.toFixed(1)} s for 4 trials on ${estimate.slots} slots; they took ${spent.toFixed(1)} s of slot time each`,
    );
    expect(estimate.etaSeconds).toBeGreaterThan(spent / 3);
    expect(estimate.etaSeconds).toBeLessThan(spent * 3);
    const longer = await client.sweeps.check({
      spec: { ...spec, base: { ...spec.base, epochs: spec.base.epochs * 2 } },
    });
    expect(longer.etaSeconds).toBeCloseTo(estimate.etaSeconds! * 2, 6);
    studio.dispose();
  }, 300_000);
});

describe('adding trials to a sweep', () => {
  it('queues only the configurations the sweep has not got, and keeps its base and strategy', async () => {
    const { startSweep } = await import('../../src-main/services/sweeps/startSweep.ts');
    const { extendSweep } = await import('../../src-main/services/sweeps/extendSweep.ts');
    const { listTrials, getSweep } = await import('../../src-main/services/sweeps/sweepStore.ts');
    const studio = createServices({ home: path.join(dir, 'home-extend') });
    const projectDir = path.join(dir, 'project-extend');
    await studio.services.project.create({ path: projectDir });
    const source = path.join(dir, 'source');
    await studio.services.project.importFolder({ path: fs.existsSync(source) ? source : writeSource(dir) });
    await studio.services.library.assignSplits({ validationPercent: 25, testPercent: 25 });
    const project = studio.session.require();
    const sweepId = startSweep(project, sweepSpec());
    const wider: SweepSpec = {
      ...sweepSpec(),
      axes: [
        { path: 'model.firstConv.filters', values: [8, 16, 24] },
        { path: 'optimizer.beta1', values: [0.9, 0.8] },
      ],
    };
    expect(extendSweep(project, sweepId, wider)).toBe(2);
    expect(extendSweep(project, sweepId, wider)).toBe(0);
    const trials = listTrials(project.db, sweepId);
    expect(trials.map((trial) => [trial.id, trial.config, trial.status])).toEqual(
      [0, 1, 2, 3, 4, 5].map((id) => [id, id, 'queued']),
    );
    expect(trials.slice(4).map((trial) => trial.overrides)).toEqual([
      { 'model.firstConv.filters': 24, 'optimizer.beta1': 0.9 },
      { 'model.firstConv.filters': 24, 'optimizer.beta1': 0.8 },
    ]);
    expect(getSweep(project.db, sweepId)!.spec.axes[0]).toEqual(wider.axes[0]);
    expect(() => extendSweep(project, sweepId, { ...wider, base: smallSpec(9) })).toThrow(/keeps the base spec/);
    expect(() => extendSweep(project, sweepId, { ...wider, strategy: { kind: 'random', trials: 3, seed: 1 } })).toThrow(
      /keeps the strategy \(grid\)/,
    );
    studio.dispose();
  });
});
