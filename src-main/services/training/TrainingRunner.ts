import type { ChildProcess } from 'node:child_process';
import { Emitter } from '../../../src-shared/contract/events.ts';
import type { RunStatus, TrainingProgress } from '../../../src-shared/model/Run.ts';
import { forkWorkerModule } from '../system/runWorkerModule.ts';
import type { FromTrainingWorker, ToTrainingWorker } from './trainingWorkerMessages.ts';
import { idleProgress } from './idleProgress.ts';

export interface RunOutcome {
  status: Exclude<RunStatus, 'queued' | 'running'>;
  message: string;
}

interface Worker {
  child: ChildProcess;
  threads: number | undefined;
  /** The end of the current run's stderr, for the message of a crash. */
  stderr: string;
}

/**
 * Starts each run in a worker process and relays its progress. A worker that dies without saying
 * how its run ended (a crash, a native abort, a kill) is reported through `onCrash`, with the end of
 * its stderr, so the caller can mark the run failed; nothing else is affected. With `reuseWorkers`
 * (a sweep), a worker whose run ended cleanly waits for the next run, which then skips loading
 * TensorFlow again; idle workers end with dispose().
 */
export class TrainingRunner {
  private readonly workers = new Map<string, Worker>();
  private readonly idle = new Set<Worker>();
  private readonly progress = new Emitter<TrainingProgress>();
  private disposed = false;
  readonly onDidProgress = this.progress.event;

  constructor(
    private readonly onCrash: (runId: string, message: string) => void,
    private readonly options: { reuseWorkers?: boolean } = {},
  ) {}

  get running(): string[] {
    return [...this.workers.keys()];
  }

  /** Resolves when the run has ended (and, unless its worker stays for another run, the worker has exited). */
  start(projectPath: string, runId: string, resume: boolean, options: { threads?: number } = {}): Promise<RunOutcome> {
    if (this.workers.has(runId)) return Promise.reject(new Error(`run ${runId} is already running`));
    const worker = this.takeIdle(options.threads) ?? this.fork(options.threads);
    worker.stderr = '';
    this.workers.set(runId, worker);
    const { child } = worker;
    const fire = (status: RunStatus, message: string) => this.progress.fire(idleProgress(runId, status, message));
    const settled = new Promise<RunOutcome>((resolve) => {
      let outcome: RunOutcome | null = null;
      const finish = (ended: RunOutcome) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        this.workers.delete(runId);
        fire(ended.status, ended.message);
        resolve(ended);
      };
      const onMessage = (message: FromTrainingWorker) => {
        if (message.type === 'progress') {
          this.progress.fire(message.progress);
          return;
        }
        if (message.type === 'done')
          outcome = { status: 'done', message: `test accuracy ${(message.summary.testAccuracy * 100).toFixed(1)} %` };
        else if (message.type === 'cancelled')
          outcome = { status: 'cancelled', message: 'cancelled; resume continues from the last checkpoint' };
        else if (message.type === 'interrupted')
          outcome = {
            status: 'interrupted',
            message: `interrupted (${message.reason}); resume continues from the last checkpoint`,
          };
        else outcome = { status: 'failed', message: message.message };
        if (!message.stays) return; // it exits: the run ends with its exit
        finish(outcome);
        if (this.disposed) child.kill();
        else this.idle.add(worker);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (!outcome) {
          // TensorFlow's start-up notices are not the reason a run died.
          const noise = /oneDNN custom operations|absl::InitializeLog|^[IW]\d{4} /;
          const last = worker.stderr
            .trim()
            .split('\n')
            .filter((line) => line.trim() && !noise.test(line))
            .slice(-3)
            .join(' | ');
          outcome = {
            status: 'failed',
            message: `the training process exited unexpectedly (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}`,
          };
          this.onCrash(runId, outcome.message);
        }
        finish(outcome);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(
        {
          type: 'start',
          projectPath,
          runId,
          resume,
          keepAlive: this.options.reuseWorkers === true,
        } satisfies ToTrainingWorker,
        () => undefined,
      );
    });
    return settled;
  }

  /** The worker's process id while the run trains (for diagnostics and crash tests). */
  pid(runId: string): number | undefined {
    return this.workers.get(runId)?.child.pid;
  }

  /** Asks the run to stop after its current step; it records itself as cancelled. */
  cancel(runId: string): boolean {
    const worker = this.workers.get(runId);
    if (!worker) return false;
    // The worker may be exiting already; a closed channel then just means it has stopped.
    if (worker.child.connected) worker.child.send({ type: 'cancel' } satisfies ToTrainingWorker, () => undefined);
    return true;
  }

  /** Stops the run after its current step as interrupted (resumable), recording `reason`. */
  interrupt(runId: string, reason: string): boolean {
    const worker = this.workers.get(runId);
    if (!worker) return false;
    if (worker.child.connected) worker.child.send({ type: 'stop', reason } satisfies ToTrainingWorker, () => undefined);
    return true;
  }

  /** Stops every worker now (the studio is closing, or the sweep has ended). */
  dispose(): void {
    this.disposed = true;
    for (const worker of [...this.workers.values(), ...this.idle]) worker.child.kill();
    this.workers.clear();
    this.idle.clear();
  }

  private takeIdle(threads: number | undefined): Worker | undefined {
    const worker = [...this.idle].find((candidate) => candidate.threads === threads && candidate.child.connected);
    if (worker) this.idle.delete(worker);
    return worker;
  }

  private fork(threads: number | undefined): Worker {
    // TensorFlow's own pools read these; a sweep gives each of its parallel trials its share of the cores.
    const env: Record<string, string> = threads
      ? { TF_NUM_INTRAOP_THREADS: String(threads), TF_NUM_INTEROP_THREADS: '1' }
      : {};
    const worker: Worker = { child: forkWorkerModule('trainingWorker', { silent: true, env }), threads, stderr: '' };
    worker.child.stdout?.resume();
    worker.child.stderr?.on(
      'data',
      (chunk: Buffer) => (worker.stderr = (worker.stderr + chunk.toString()).slice(-4000)),
    );
    // A worker that fails to start reports through 'exit'; the error event needs a listener all the same.
    worker.child.on('error', (error) => (worker.stderr += `\n${error.message}`));
    worker.child.on('exit', () => this.idle.delete(worker));
    return worker;
  }
}
