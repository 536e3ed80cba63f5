import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { projectLayout, type ProjectLayout } from '../../project/projectLayout.ts';
import { loadTensorflow } from '../../tensorflow/loadTensorflow.ts';
import { loggingRecorder, readRunLog, type RunOp } from '../../training/runLog.ts';
import type { SnapshotClip } from '../../runs/store/snapshotClips.ts';
import { TrainingCancelled, trainRun } from '../../training/trainRun.ts';
import {
  cancelKey,
  checkRedis,
  projectQueueKey,
  redisConnection,
  snapshotKey,
  trialQueueName,
  type TrialJobData,
  type TrialJobProgress,
  type TrialJobResult,
} from './trialQueue.ts';

export interface TrialWorkerOptions {
  redisUrl: string;
  projectPath: string;
  /** How long a silent worker keeps its trial before another takes it over. */
  stallSeconds?: number;
  log?: (line: string) => void;
}

export interface TrialWorker {
  name: string;
  /** Stops taking trials; a trial in progress stops after its step and goes back to the queue. */
  close(): Promise<void>;
}

/**
 * A machine joining a project's sweeps: takes trial jobs from the project's queue, one at a time,
 * and trains them with this machine's cores. It reads audio and writes run folders (checkpoints,
 * the record log, the exported model) on the shared project path, and never writes the project
 * database: every record goes back to the coordinator through the queue.
 */
export async function startTrialWorker(options: TrialWorkerOptions): Promise<TrialWorker> {
  const log = options.log ?? (() => undefined);
  const layout = projectLayout(path.resolve(options.projectPath));
  const projectKey = projectQueueKey(readProjectIdentity(layout));
  await checkRedis(options.redisUrl);
  // TensorFlow loads before the first job: loading blocks, and a blocked worker cannot renew its lock.
  const { tensorflowVersion, native } = await loadTensorflow();
  const name = `${os.hostname()}:${process.pid}`;
  const connection = redisConnection(options.redisUrl);
  connection.on('error', () => undefined);
  const stallMs = Math.max(1, options.stallSeconds ?? 30) * 1000;
  const active = new Set<AbortController>();

  // BullMQ leaves connections it was given open; these are closed with the worker.
  const queueConnection = redisConnection(options.redisUrl);
  const worker = new Worker<TrialJobData, TrialJobResult>(
    trialQueueName(projectKey),
    async (job) => {
      const controller = new AbortController();
      active.add(controller);
      try {
        return await processTrial(job, {
          layout,
          projectKey,
          connection,
          name,
          signal: controller.signal,
          abort: () => controller.abort(),
          log,
        });
      } finally {
        active.delete(controller);
      }
    },
    {
      connection: queueConnection,
      concurrency: 1,
      name,
      lockDuration: stallMs,
      stalledInterval: stallMs,
      maxStalledCount: 2,
    },
  );
  worker.on('error', (error) => log(`queue error: ${error.message}`));
  await worker.waitUntilReady();
  log(
    `worker ${name} joined ${trialQueueName(projectKey)} for ${layout.root} (TensorFlow ${tensorflowVersion}${native ? '' : ', pure JavaScript: slow'})`,
  );
  return {
    name,
    async close() {
      for (const controller of active) controller.abort();
      await worker.close();
      queueConnection.disconnect();
      connection.disconnect();
    },
  };
}

/** The project's name and creation time, read without writing anything (other machines own the database). */
function readProjectIdentity(layout: ProjectLayout): { name: string; createdAt: string } {
  if (!fs.existsSync(layout.database))
    throw new Error(`${layout.root} is not a KWS Studio project (no project.sqlite there)`);
  const db = new Database(layout.database, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT name, created_at AS createdAt FROM project WHERE id = 1').get() as
      { name: string; createdAt: string } | undefined;
    if (!row) throw new Error(`${layout.database} has no project record`);
    return row;
  } finally {
    db.close();
  }
}

interface TrialContext {
  layout: ProjectLayout;
  projectKey: string;
  connection: Redis;
  name: string;
  signal: AbortSignal;
  abort(): void;
  log(line: string): void;
}

async function processTrial(job: Job<TrialJobData, TrialJobResult>, context: TrialContext): Promise<TrialJobResult> {
  const { runId, snapshotId, spec, resume } = job.data;
  const { layout, connection, signal } = context;
  const clipsJson = await connection.get(snapshotKey(context.projectKey, snapshotId));
  if (!clipsJson)
    return {
      status: 'failed',
      message: `snapshot ${snapshotId} is no longer in Redis; start the sweep again from the studio`,
      log: [],
      complete: true,
    };
  const clips = JSON.parse(clipsJson) as SnapshotClip[];
  const runDir = path.join(layout.runs, runId);
  fs.mkdirSync(runDir, { recursive: true });
  const logFile = path.join(runDir, 'record.jsonl');
  const hasCheckpoint = fs.existsSync(path.join(runDir, 'checkpoint', 'meta.json'));
  // A job taken over from a worker that died carries on from that worker's checkpoint and log.
  const takenOver = job.attemptsStarted > 1 || job.stalledCounter > 0;
  const resuming = hasCheckpoint && (resume || (takenOver && fs.existsSync(logFile)));
  const complete = !resuming || fs.existsSync(logFile);
  if (!resuming) fs.rmSync(logFile, { force: true });
  context.log(`${resuming ? 'resuming' : 'starting'} ${runId} (job ${job.id})`);

  const pending: RunOp[] = [];
  const recorder = loggingRecorder(logFile, (op) => {
    if (op.op !== 'predictions') pending.push(op);
  });
  const poll = setInterval(() => {
    void connection.get(cancelKey(context.projectKey, job.id!)).then(
      (flag) => flag && context.abort(),
      () => undefined,
    );
  }, 1000);
  const result = (status: TrialJobResult['status'], message: string): TrialJobResult => ({
    status,
    message,
    log: readRunLog(logFile),
    complete,
  });
  try {
    const summary = await trainRun({
      source: { runId, spec, clips, layout },
      recorder,
      resume: resuming,
      signal,
      onProgress: (progress) =>
        void job
          .updateProgress({
            worker: context.name,
            progress,
            ops: pending.splice(0),
          } satisfies TrialJobProgress as unknown as object)
          .catch(() => undefined),
    });
    context.log(`finished ${runId}: test accuracy ${(summary.testAccuracy * 100).toFixed(1)} %`);
    return result('done', `test accuracy ${(summary.testAccuracy * 100).toFixed(1)} %`);
  } catch (error) {
    if (error instanceof TrainingCancelled || signal.aborted) {
      context.log(`stopped ${runId}; it resumes from its checkpoint`);
      return result('cancelled', `stopped on worker ${context.name}; resumes from the last checkpoint`);
    }
    const message = error instanceof Error ? error.message : String(error);
    context.log(`failed ${runId}: ${message}`);
    return result('failed', `on worker ${context.name}: ${message}`);
  } finally {
    clearInterval(poll);
  }
}
