import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../src-shared/model/SweepSpec.ts';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { smallSpec, writeSource } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-sweep-redis-');
const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');
const env = { ...process.env, KWS_STUDIO_HOME: path.join(dir, 'home') };
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis) console.warn('skipping the multi-machine sweep test: redis-server is not installed (apt-get install redis-server; .ci/run installs it)');

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
function startAndWait(command: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
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

describe.skipIf(!hasRedis)('a sweep on two queue workers, one killed mid-trial', () => {
  it('retries the trial on the other worker from its checkpoint and completes with nothing lost or duplicated', async () => {
    const port = await freePort();
    await startAndWait('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
    const url = `redis://127.0.0.1:${port}`;

    const studio = createServices({ home: path.join(dir, 'home') });
    const dispatcher = createDispatcher(studio.services);
    const client = createClient({ invoke: (channel, input) => dispatcher.call(channel, input), subscribe: dispatcher.subscribe });
    const projectDir = path.join(dir, 'project');
    await client.project.create({ path: projectDir });
    await client.project.importFolder({ path: writeSource(dir) });
    await client.library.assignSplits({ validationPercent: 25, testPercent: 25 });

    const workerArgs = [cli, 'worker', '--redis', url, '--project', projectDir, '--threads', '1', '--stall-seconds', '2'];
    const [first, second] = await Promise.all([startAndWait(process.execPath, workerArgs, /joined kws-trials-/), startAndWait(process.execPath, workerArgs, /joined kws-trials-/)]);

    const spec: SweepSpec = {
      name: 'queue test',
      base: smallSpec(5),
      axes: [{ path: 'model.firstConv.filters', values: [8, 12, 16] }],
      strategy: { kind: 'grid' },
      constraints: { maxGzipKb: null, maxLatencyMs: null, minValAccuracy: null },
      objectives: ['val_accuracy', 'gzip_kb', 'latency_ms'],
    };
    const ended = new Promise<string>((resolve) => client.sweeps.onDidProgress((event) => event.status !== 'running' && resolve(event.status)));
    const sweep = await client.sweeps.startSweep({ spec, queueUrl: url });

    // Kill the first worker once the coordinator has recorded a checkpoint of the trial it trains.
    const db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true });
    const checkpointOf = (runId: string) => (db.prepare('SELECT checkpoint_epoch FROM runs WHERE id = ?').pluck().get(runId) as number | null) ?? -1;
    const trainingOnFirst = () => {
      const started = [...first.output().matchAll(/starting (run-\S+)/g)].map((match) => match[1]!);
      const current = started.at(-1);
      return current && !first.output().includes(`finished ${current}`) ? current : null;
    };
    await until(() => {
      const runId = trainingOnFirst();
      return runId !== null && checkpointOf(runId) >= 0;
    }, `a checkpoint of the first worker:\n${first.output()}\n---\n${second.output()}`, 60_000);
    const killedRun = trainingOnFirst()!;
    first.child.kill('SIGKILL');

    expect(await ended).toBe('done');
    expect(second.output()).toMatch(new RegExp(`resuming ${killedRun}`));

    const trials = db.prepare('SELECT id, status, run_id FROM trials WHERE sweep_id = ? ORDER BY id').all(sweep.id) as { id: number; status: string; run_id: string }[];
    expect(trials.map((trial) => trial.status)).toEqual(['done', 'done', 'done']);
    expect(new Set(trials.map((trial) => trial.run_id)).size).toBe(3);
    expect(db.prepare('SELECT COUNT(*) FROM runs WHERE sweep_id = ?').pluck().get(sweep.id)).toBe(3);
    for (const trial of trials) {
      // Every epoch recorded exactly once, including the ones trained before the kill.
      const epochs = db.prepare("SELECT value FROM metrics WHERE run_id = ? AND key = 'epoch' ORDER BY step").pluck().all(trial.run_id);
      expect(epochs, trial.run_id).toEqual([1, 2, 3, 4, 5]);
      expect(db.prepare("SELECT status FROM runs WHERE id = ?").pluck().get(trial.run_id)).toBe('done');
      expect(db.prepare('SELECT COUNT(*) FROM predictions WHERE run_id = ?').pluck().get(trial.run_id)).toBeGreaterThan(0);
      expect(db.prepare("SELECT COUNT(*) FROM artifacts WHERE run_id = ? AND kind = 'tfjs-model'").pluck().get(trial.run_id)).toBe(1);
      expect(fs.existsSync(path.join(projectDir, 'runs', trial.run_id, 'model', 'model.json'))).toBe(true);
    }
    const detail = await client.sweeps.getSweep({ sweepId: sweep.id });
    expect(detail).toMatchObject({ status: 'done', total: 3, done: 3, failed: 0 });
    db.close();
    studio.dispose();
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  }, 400_000);
});
