import type { ChildProcess } from 'node:child_process';
import { Emitter } from '../../../src-shared/contract/events.ts';
import type { RunStatus, TrainingProgress } from '../../../src-shared/model/Run.ts';
import { forkWorkerModule } from '../system/runWorkerModule.ts';
import type { FromTrainingWorker, ToTrainingWorker } from './trainingWorkerMessages.ts';

export interface RunOutcome {
  status: Exclude<RunStatus, 'queued' | 'running'>;
  message: string;
}

/**
 * Starts each run in its own worker process and relays its progress. A worker that dies without
 * saying how its run ended (a crash, a native abort, a kill) is reported through `onCrash`, with the
 * end of its stderr, so the caller can mark the run failed; nothing else is affected.
 */
export class TrainingRunner {
  private readonly workers = new Map<string, ChildProcess>();
  private readonly progress = new Emitter<TrainingProgress>();
  readonly onDidProgress = this.progress.event;

  constructor(private readonly onCrash: (runId: string, message: string) => void) {}

  get running(): string[] {
    return [...this.workers.keys()];
  }

  /** Resolves when the run's worker has exited, with how the run ended. */
  start(projectPath: string, runId: string, resume: boolean, options: { threads?: number } = {}): Promise<RunOutcome> {
    if (this.workers.has(runId)) return Promise.reject(new Error(`run ${runId} is already running`));
    // TensorFlow's own pools read these; a sweep gives each of its parallel trials its share of the cores.
    const env: Record<string, string> = options.threads ? { TF_NUM_INTRAOP_THREADS: String(options.threads), TF_NUM_INTEROP_THREADS: '1' } : {};
    const child = forkWorkerModule('trainingWorker', { silent: true, env });
    this.workers.set(runId, child);
    let stderr = '';
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    let outcome: RunOutcome | null = null;
    const fire = (status: RunStatus, message: string) =>
      this.progress.fire({ runId, status, epoch: 0, epochs: 0, step: 0, steps: 0, loss: null, accuracy: null, samplesPerSecond: null, etaSeconds: null, message });
    child.on('message', (message: FromTrainingWorker) => {
      if (message.type === 'progress') this.progress.fire(message.progress);
      else if (message.type === 'done') outcome = { status: 'done', message: `test accuracy ${(message.summary.testAccuracy * 100).toFixed(1)} %` };
      else if (message.type === 'cancelled') outcome = { status: 'cancelled', message: 'cancelled; resume continues from the last checkpoint' };
      else outcome = { status: 'failed', message: message.message };
    });
    // A worker that fails to start reports through 'exit'; the error event needs a listener all the same.
    child.on('error', (error) => (stderr += `\n${error.message}`));
    child.send({ type: 'start', projectPath, runId, resume } satisfies ToTrainingWorker, () => undefined);
    return new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.workers.delete(runId);
        if (!outcome) {
          // TensorFlow's start-up notices are not the reason a run died.
          const noise = /oneDNN custom operations|absl::InitializeLog|^[IW]\d{4} /;
          const last = stderr.trim().split('\n').filter((line) => line.trim() && !noise.test(line)).slice(-3).join(' | ');
          outcome = { status: 'failed', message: `the training process exited unexpectedly (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}` };
          this.onCrash(runId, outcome.message);
        }
        fire(outcome.status, outcome.message);
        resolve(outcome);
      });
    });
  }

  /** The worker's process id while the run trains (for diagnostics and crash tests). */
  pid(runId: string): number | undefined {
    return this.workers.get(runId)?.pid;
  }

  /** Asks the run to stop after its current step; it records itself as cancelled. */
  cancel(runId: string): boolean {
    const child = this.workers.get(runId);
    if (!child) return false;
    // The worker may be exiting already; a closed channel then just means it has stopped.
    if (child.connected) child.send({ type: 'cancel' } satisfies ToTrainingWorker, () => undefined);
    return true;
  }

  /** Stops every worker now (the studio is closing). */
  dispose(): void {
    for (const child of this.workers.values()) child.kill();
    this.workers.clear();
  }
}
