import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { OpenProject } from '../../project/ProjectSession.ts';
import { readProjectInfo } from '../../project/readProjectInfo.ts';
import { applyRunLog } from '../../training/runLog.ts';
import { beatRuns, claimRun, releaseRun, thisProcess } from '../../runs/store/runOwners.ts';
import { getRun } from '../../runs/store/getRun.ts';
import { setRunStatus } from '../../runs/store/setRunStatus.ts';
import { snapshotClips } from '../../runs/store/snapshotClips.ts';
import type { RunOutcome } from '../../training/TrainingRunner.ts';
import type { TrialAttempt, TrialExecutor } from '../TrialExecutor.ts';
import {
  cancelKey,
  projectQueueKey,
  redisConnection,
  snapshotKey,
  trialQueueName,
  type TrialJobData,
  type TrialJobProgress,
  type TrialJobResult,
} from './trialQueue.ts';

const DAY = 24 * 3600;

/**
 * The coordinator's side of a multi-machine sweep: each trial becomes a BullMQ job that any
 * `kws-studio worker` of this project takes. Workers never write the project database; their
 * records come back with job progress (live) and the job's result (the whole log, authoritative),
 * and this process writes them. A worker that dies mid-trial stops renewing its lock; BullMQ moves
 * the job back to the queue and another worker resumes it from the checkpoint on the shared path.
 */
export class RedisTrialExecutor implements TrialExecutor {
  readonly outlivesStudio = true;
  /** Workers pull trials as they free up; the coordinator queues every trial that is ready. */
  readonly slots = Number.POSITIVE_INFINITY;
  /** Workers serving this project's queue, counted every few seconds (each takes one trial at a time). */
  concurrency = 1;
  private readonly countTimer: NodeJS.Timeout;
  /** The coordinator owns the runs its workers train (it is their only writer): heartbeat and cancel requests. */
  private readonly owner = thisProcess('a sweep coordinator (Redis queue)');
  private readonly heartbeat: NodeJS.Timeout;
  private readonly projectKey: string;
  /** Ours to close: BullMQ leaves connections it was given open. */
  private readonly connections: Redis[];
  private readonly connection: Redis;
  private readonly queue: Queue<TrialJobData, TrialJobResult>;
  private readonly events: QueueEvents;
  private readonly waiting = new Map<string, { runId: string; resolve: (outcome: RunOutcome) => void }>();
  private readonly published = new Set<string>();
  private readonly ready: Promise<unknown>;

  constructor(
    private readonly project: OpenProject,
    url: string,
  ) {
    this.projectKey = projectQueueKey(readProjectInfo(project));
    this.connections = [redisConnection(url), redisConnection(url), redisConnection(url)];
    this.connection = this.connections[0]!;
    this.queue = new Queue(trialQueueName(this.projectKey), { connection: this.connections[1]! });
    this.events = new QueueEvents(trialQueueName(this.projectKey), { connection: this.connections[2]! });
    // Connection trouble is retried by ioredis; the errors would otherwise be unhandled events.
    this.connection.on('error', () => undefined);
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
    this.events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data as unknown as TrialJobProgress));
    this.events.on('completed', ({ jobId }) => void this.settle(jobId));
    this.events.on('failed', ({ jobId }) => void this.settle(jobId));
    this.ready = this.events.waitUntilReady();
    const count = () =>
      void this.queue.getWorkersCount().then(
        (workers) => (this.concurrency = Math.max(1, workers)),
        () => undefined,
      );
    count();
    this.countTimer = setInterval(count, 5000);
    this.countTimer.unref();
    this.heartbeat = setInterval(() => {
      try {
        for (const runId of beatRuns(this.project.db, this.owner)) if (this.running.includes(runId)) this.cancel(runId);
      } catch {
        // A busy database skips one beat; the next comes a second later.
      }
    }, 1000);
    this.heartbeat.unref();
  }

  get running(): readonly string[] {
    return [...this.waiting.values()].map((entry) => entry.runId);
  }

  async start(attempt: TrialAttempt): Promise<RunOutcome> {
    const { runId, resume, jobKey } = attempt;
    const run = getRun(this.project.db, runId);
    if (!run) throw new Error(`run ${runId} does not exist`);
    try {
      claimRun(this.project.db, runId, this.owner);
    } catch (error) {
      return { status: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
    // A run an earlier coordinator left (now interrupted) is in progress again while its job is waited for.
    if (run.status !== 'running') setRunStatus(this.project.db, runId, 'queued');
    await this.ready;
    await this.publishSnapshot(run.snapshotId);
    const outcome = new Promise<RunOutcome>((resolve) => this.waiting.set(jobKey, { runId, resolve }));
    // The job id is the attempt: adding it again after a restart finds the job already there.
    await this.queue.add(
      'trial',
      { runId, snapshotId: run.snapshotId, spec: run.spec, resume },
      {
        jobId: jobKey,
        attempts: 1,
        removeOnComplete: { age: DAY },
        removeOnFail: { age: 7 * DAY },
      },
    );
    // It may have ended before we listened (the studio restarted while a worker finished it).
    await this.settle(jobKey);
    return outcome;
  }

  cancel(runId: string): void {
    for (const [jobId, entry] of this.waiting) {
      if (entry.runId !== runId) continue;
      void (async () => {
        await this.connection.set(cancelKey(this.projectKey, jobId), '1', 'EX', DAY);
        const job = await Job.fromId(this.queue, jobId);
        const state = await job?.getState();
        // Not taken yet: take it back. Taken: the worker sees the flag and stops after its step.
        if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
          await job!.remove();
          this.finish(jobId, { status: 'cancelled', message: 'cancelled before a worker took it' });
        }
      })();
    }
  }

  async dispose(): Promise<void> {
    clearInterval(this.countTimer);
    clearInterval(this.heartbeat);
    for (const runId of this.running) releaseRun(this.project.db, runId, this.owner);
    this.waiting.clear();
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    for (const connection of this.connections) connection.disconnect();
  }

  /** The snapshot's clip list, stored once in Redis for every job of the snapshot. */
  private async publishSnapshot(snapshotId: string): Promise<void> {
    if (this.published.has(snapshotId)) return;
    const clips = snapshotClips(this.project.db, snapshotId);
    await this.connection.set(snapshotKey(this.projectKey, snapshotId), JSON.stringify(clips), 'EX', 30 * DAY);
    this.published.add(snapshotId);
  }

  private onProgress(jobId: string, data: TrialJobProgress): void {
    const entry = this.waiting.get(jobId);
    if (!entry || !data?.ops) return;
    // Live records give live curves and a checkpoint epoch to resume from; the final log replaces them.
    if (data.ops.length) applyRunLog(this.project.db, entry.runId, data.ops, { replace: false });
  }

  /** Writes a finished job's log and resolves its attempt; does nothing while the job is unfinished. */
  private async settle(jobId: string): Promise<void> {
    const entry = this.waiting.get(jobId);
    if (!entry) return;
    const job = await Job.fromId<TrialJobData, TrialJobResult>(this.queue, jobId);
    if (!job) return;
    const state = await job.getState();
    if (state === 'completed') {
      const result = job.returnvalue;
      applyRunLog(this.project.db, entry.runId, result.log, { replace: result.complete });
      if (result.status === 'failed') setRunStatus(this.project.db, entry.runId, 'failed', { error: result.message });
      if (result.status === 'cancelled')
        setRunStatus(this.project.db, entry.runId, 'cancelled', { error: result.message });
      this.finish(jobId, { status: result.status, message: result.message });
    } else if (state === 'failed') {
      const message = `the queue gave the trial up: ${job.failedReason}`;
      setRunStatus(this.project.db, entry.runId, 'failed', { error: message });
      this.finish(jobId, { status: 'failed', message });
    }
  }

  private finish(jobId: string, outcome: RunOutcome): void {
    const entry = this.waiting.get(jobId);
    if (!entry) return;
    this.waiting.delete(jobId);
    releaseRun(this.project.db, entry.runId, this.owner);
    entry.resolve(outcome);
  }
}
