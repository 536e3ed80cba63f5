import type { ChildProcess } from 'node:child_process';
import { forkWorkerModule } from '../system/runWorkerModule.ts';
import type { SpeakerJob } from './generateDemoDataset.ts';

/** Messages from `workers/demoWorker`. */
export type DemoWorkerMessage =
  { type: 'clip'; file: string } | { type: 'done'; speaker: number } | { type: 'error'; message: string };

/**
 * Synthesis is single-threaded WASM, so speakers are rendered in parallel worker processes, one job
 * (speaker) at a time each. The first failure or an abort stops every worker.
 */
export function renderSpeakersInWorkers(
  jobs: readonly SpeakerJob[],
  workers: number,
  onClip: (file: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const queue = [...jobs];
  const children: ChildProcess[] = [];
  return new Promise<void>((resolve, reject) => {
    let running = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      // Reject only once every worker is gone, so none writes into a folder being cleaned up.
      const exited = children.map((child) =>
        child.exitCode !== null || child.signalCode !== null
          ? Promise.resolve()
          : new Promise((done) => child.once('exit', done)),
      );
      for (const child of children) child.kill();
      void Promise.all(exited).then(() => reject(error));
    };
    const onAbort = () => fail(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const next = (child: ChildProcess) => {
      const job = queue.shift();
      if (!job) {
        child.disconnect();
        if (--running === 0 && !failed) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
        return;
      }
      child.send(job);
    };
    for (let i = 0; i < workers; i++) {
      const child = forkWorkerModule('demoWorker');
      children.push(child);
      running++;
      child.on('message', (message: DemoWorkerMessage) => {
        if (message.type === 'clip') onClip(message.file);
        else if (message.type === 'done') next(child);
        else fail(new Error(message.message));
      });
      child.on('error', fail);
      child.on('exit', (code, signalName) => {
        if (code !== 0 && !failed)
          fail(new Error(`a demo worker stopped unexpectedly (${signalName ?? `exit code ${code}`})`));
      });
      next(child);
    }
  });
}
