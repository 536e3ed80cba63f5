import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../src-shared/model/SweepSpec.ts';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { checkProjectInvariants, reportFaults } from '../support/projectInvariants.ts';
import { gridSweep, writeSource } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-sweep-redis-');
const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');
const env = { ...process.env, KWS_STUDIO_HOME: path.join(dir, 'home') };
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis)
  console.warn(
    'skipping the multi-machine sweep test: redis-server is not installed (apt-get install redis-server; .ci/run installs it)',
  );

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a process and resolves once a line of its output matches. */
function startAndWait(
  command: string,
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve({ child, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`)));
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function queueSpec(name: string): SweepSpec {
  return gridSweep(name, 5, [{ path: 'model.firstConv.filters', values: [8, 12, 16] }]);
}

/** Every trial done with its own run, and every epoch of every run recorded exactly once. */
function expectCompleteSweep(db: Database.Database, sweepId: string): { id: number; status: string; run_id: string }[] {
  const trials = db.prepare('SELECT id, status, run_id FROM trials WHERE sweep_id = ? ORDER BY id').all(sweepId) as {
    id: number;
    status: string;
    run_id: string;
  }[];
  expect(trials.map((trial) => trial.status)).toEqual(['done', 'done', 'done']);
  expect(new Set(trials.map((trial) => trial.run_id)).size).toBe(3);
  expect(db.prepare('SELECT COUNT(*) FROM runs WHERE sweep_id = ?').pluck().get(sweepId)).toBe(3);
  for (const trial of trials) {
    const epochs = db
      .prepare("SELECT value FROM metrics WHERE run_id = ? AND key = 'epoch' ORDER BY step")
      .pluck()
      .all(trial.run_id);
    expect(epochs, trial.run_id).toEqual([1, 2, 3, 4, 5]);
    expect(db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(trial.run_id)).toBe('done');
    expect(db.prepare('SELECT COUNT(*) FROM predictions WHERE run_id = ?').pluck().get(trial.run_id)).toBeGreaterThan(
      0,
    );
    expect(
      db.prepare("SELECT COUNT(*) FROM artifacts WHERE run_id = ? AND kind = 'tfjs-model'").pluck().get(trial.run_id),
    ).toBe(1);
  }
  return trials;
}

describe.skipIf(!hasRedis)('sweeps through a Redis queue', () => {
  let url = '';
  beforeAll(async () => {
    const port = await freePort();
    await startAndWait(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      /Ready to accept connections/,
    );
    url = `redis://127.0.0.1:${port}`;
  });

  it('retries the trial of a worker killed mid-trial on the other worker, from its checkpoint, with nothing lost or duplicated', async () => {
    const studio = createServices({ home: path.join(dir, 'home') });
    const dispatcher = createDispatcher(studio.services);
    const client = createClient({
      invoke: (channel, input) => dispatcher.call(channel, input),
      subscribe: dispatcher.subscribe,
    });
    const projectDir = path.join(dir, 'project');
    await client.project.create({ path: projectDir });
    await client.project.importFolder({ path: writeSource(dir) });
    await client.library.assignSplits({ validationPercent: 25, testPercent: 25 });

    const workerArgs = [
      cli,
      'worker',
      '--redis',
      url,
      '--project',
      projectDir,
      '--threads',
      '1',
      '--stall-seconds',
      '2',
    ];
    const [first, second] = await Promise.all([
      startAndWait(process.execPath, workerArgs, /joined kws-trials-/),
      startAndWait(process.execPath, workerArgs, /joined kws-trials-/),
    ]);

    const spec = queueSpec('queue test');
    const ended = new Promise<string>((resolve) =>
      client.sweeps.onDidProgress((event) => event.status !== 'running' && resolve(event.status)),
    );
    const sweep = await client.sweeps.startSweep({ spec, queueUrl: url });

    // Kill the first worker once the coordinator has recorded a checkpoint of the trial it trains.
    const db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true });
    const checkpointOf = (runId: string) =>
      (db.prepare('SELECT checkpoint_epoch FROM runs WHERE id = ?').pluck().get(runId) as number | null) ?? -1;
    const trainingOnFirst = () => {
      const started = [...first.output().matchAll(/starting (run-\S+)/g)].map((match) => match[1]!);
      const current = started.at(-1);
      return current && !first.output().includes(`finished ${current}`) ? current : null;
    };
    await until(
      () => {
        const runId = trainingOnFirst();
        return runId !== null && checkpointOf(runId) >= 0;
      },
      `a checkpoint of the first worker:\n${first.output()}\n---\n${second.output()}`,
      60_000,
    );
    const killedRun = trainingOnFirst()!;
    first.child.kill('SIGKILL');

    expect(await ended).toBe('done');
    expect(second.output()).toMatch(new RegExp(`resuming ${killedRun}`));

    // Every epoch recorded exactly once, including the ones trained before the kill.
    for (const trial of expectCompleteSweep(db, sweep.id))
      expect(fs.existsSync(path.join(projectDir, 'runs', trial.run_id, 'model', 'model.json'))).toBe(true);
    const invariants = checkProjectInvariants(projectDir);
    expect(invariants.violations).toEqual([]);
    reportFaults('Redis sweep, worker killed', {
      kills: 1,
      invariantsChecked: invariants.checked + 3 + 3 * 4,
      lost: 0,
    }); // expectCompleteSweep: 3 sweep-wide checks, 4 per trial
    const detail = await client.sweeps.getSweep({ sweepId: sweep.id });
    expect(detail).toMatchObject({ status: 'done', total: 3, done: 3, failed: 0 });
    db.close();
    studio.dispose();
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  }, 400_000);

  it('outlives a killed coordinator: the restarted one waits for the same jobs and duplicates no run', async () => {
    const projectDir = path.join(dir, 'project-coordinator');
    const studio = createServices({ home: path.join(dir, 'home') });
    await studio.services.project.create({ path: projectDir });
    await studio.services.project.importFolder({
      path: fs.existsSync(path.join(dir, 'source')) ? path.join(dir, 'source') : writeSource(dir),
    });
    await studio.services.library.assignSplits({ validationPercent: 25, testPercent: 25 });
    await studio.services.project.close();
    studio.dispose();
    const worker = await startAndWait(
      process.execPath,
      [cli, 'worker', '--redis', url, '--project', projectDir, '--threads', '1', '--stall-seconds', '2'],
      /joined kws-trials-/,
    );
    const specFile = path.join(dir, 'coordinator-sweep.json');
    fs.writeFileSync(specFile, JSON.stringify(queueSpec('coordinator test')));

    // Its own process group, so the kill is a crash of the whole coordinator.
    const coordinator = spawn(
      process.execPath,
      [cli, 'sweep', specFile, '--project', projectDir, '--redis', url, '--json'],
      { env, detached: true, stdio: 'ignore' },
    );
    children.push(coordinator);
    const db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true });
    const runningWithCheckpoint = () => {
      try {
        return db
          .prepare(
            "SELECT COUNT(*) FROM trials t JOIN runs r ON r.id = t.run_id WHERE t.status = 'running' AND r.checkpoint_epoch >= 0",
          )
          .pluck()
          .get() as number;
      } catch {
        return 0;
      }
    };
    await until(() => runningWithCheckpoint() > 0, `a running trial with a checkpoint:\n${worker.output()}`, 120_000);
    process.kill(-coordinator.pid!, 'SIGKILL');
    await new Promise((resolve) => coordinator.once('exit', resolve));
    const sweepId = db.prepare('SELECT id FROM sweeps').pluck().get() as string;
    const runsBefore = db.prepare('SELECT COUNT(*) FROM runs WHERE sweep_id = ?').pluck().get(sweepId);

    const resumed = spawnSync(process.execPath, [cli, 'sweep', '--resume', '--project', projectDir, '--json'], {
      env,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'done', trials: 3, done: 3, failed: 0 });
    // The queued jobs were waited for, not queued again: no run was added after the kill.
    expect(db.prepare('SELECT COUNT(*) FROM runs WHERE sweep_id = ?').pluck().get(sweepId)).toBe(runsBefore);
    expectCompleteSweep(db, sweepId);
    const invariants = checkProjectInvariants(projectDir);
    expect(invariants.violations).toEqual([]);
    reportFaults('Redis sweep, coordinator killed', {
      kills: 1,
      invariantsChecked: invariants.checked + 3 + 3 * 4,
      lost: 0,
    }); // expectCompleteSweep: 3 sweep-wide checks, 4 per trial
    db.close();
    worker.child.kill('SIGTERM');
    await new Promise((resolve) => worker.child.once('exit', resolve));
  }, 400_000);
});
