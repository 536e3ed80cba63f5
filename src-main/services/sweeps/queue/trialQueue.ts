import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { TrainingProgress } from '../../../../src-shared/model/Run.ts';
import type { TrainSpec } from '../../../../src-shared/model/TrainSpec.ts';
import type { RunOp } from '../../training/runLog.ts';

/**
 * What the coordinator and the `kws-studio worker` processes share through Redis: one BullMQ queue
 * per project (workers of another project never take its trials), a trial per job, the snapshot's
 * clip list once per snapshot, and a cancel flag per job.
 */
export interface TrialJobData {
  runId: string;
  snapshotId: string;
  spec: TrainSpec;
  /** Continue from the run's checkpoint (the coordinator's database says there is one). */
  resume: boolean;
}

export interface TrialJobResult {
  status: 'done' | 'cancelled' | 'failed';
  message: string;
  /** Everything the run recorded, in order: the coordinator writes it to the database. */
  log: RunOp[];
  /** False when the log starts mid-run (the run began elsewhere): apply it on top, not instead. */
  complete: boolean;
}

/** Sent while a trial trains: live progress and the records since the last one. */
export interface TrialJobProgress {
  worker: string;
  progress: TrainingProgress;
  ops: RunOp[];
}

/** A project's identity for the queue, the same wherever its folder is mounted. */
export function projectQueueKey(project: { name: string; createdAt: string }): string {
  return createHash('sha256').update(`${project.createdAt}\n${project.name}`).digest('hex').slice(0, 12);
}

export const trialQueueName = (projectKey: string) => `kws-trials-${projectKey}`;
export const snapshotKey = (projectKey: string, snapshotId: string) => `kws:${projectKey}:snapshot:${snapshotId}`;
export const cancelKey = (projectKey: string, jobId: string) => `kws:${projectKey}:cancel:${jobId}`;

/** A connection BullMQ can block on (it requires no per-request retry limit). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** Fails fast, with the reason, when nothing answers at the URL (ioredis would retry forever). */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a Redis URL (expected redis://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new Error(`"${url}" is not a Redis URL (expected redis://host:port)`);
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(`Could not reach Redis at ${url}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  } finally {
    client.disconnect();
  }
}
