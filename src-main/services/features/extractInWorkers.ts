import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FeatureMatrix, FeatureSpec } from '../../../src-shared/model/FeatureSpec.ts';
import { workerEntryPath, workerFromSource } from '../system/runWorkerModule.ts';
import type { FeatureJob, FromFeatureWorker, ToFeatureWorker } from './featureWorkerMessages.ts';

export interface ExtractInWorkersOptions {
  spec: FeatureSpec;
  jobs: Iterable<FeatureJob>;
  /** Defaults to the machine's available parallelism. */
  threads?: number;
  /** Clips per message: enough to hide the message round trip, few enough to balance the threads. */
  batchSize?: number;
  onResult(key: string, matrix: FeatureMatrix, computeMs: number): void;
  onFailure(key: string, reason: string): void;
  signal?: AbortSignal;
}

/**
 * Decodes and extracts features over worker threads. Jobs are pulled from the iterable as threads
 * go idle (two batches in flight per thread), so a 100,000-clip dataset streams through in bounded
 * memory; results arrive as transferred buffers, in completion order.
 */
export async function extractInWorkers(options: ExtractInWorkersOptions): Promise<void> {
  const threads = Math.max(1, options.threads ?? os.availableParallelism());
  const batchSize = options.batchSize ?? 16;
  const iterator = options.jobs[Symbol.iterator]();
  let exhausted = false;
  const nextBatch = (): FeatureJob[] => {
    const batch: FeatureJob[] = [];
    while (!exhausted && batch.length < batchSize) {
      const step = iterator.next();
      if (step.done) exhausted = true;
      else batch.push(step.value);
    }
    return batch;
  };

  const workers = Array.from({ length: threads }, () => startFeatureWorker());
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let inFlight = 0;
            const feed = () => {
              while (inFlight < 2 && !options.signal?.aborted) {
                const jobs = nextBatch();
                if (!jobs.length) break;
                inFlight++;
                worker.postMessage({ type: 'jobs', jobs } satisfies ToFeatureWorker);
              }
              if (inFlight === 0) resolve();
            };
            worker.on('message', (message: FromFeatureWorker) => {
              if (message.type === 'result') {
                options.onResult(
                  message.key,
                  { frames: message.frames, bins: message.bins, data: message.data },
                  message.computeMs,
                );
              } else if (message.type === 'failed') {
                options.onFailure(message.key, message.reason);
              } else {
                inFlight--;
                feed();
              }
            });
            worker.on('error', reject);
            worker.on('exit', (code) => reject(new Error(`a feature worker exited unexpectedly (code ${code})`)));
            worker.postMessage({ type: 'spec', spec: options.spec } satisfies ToFeatureWorker);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('cancelled');
}

function startFeatureWorker(): Worker {
  const entry = workerEntryPath('featureWorker');
  if (!workerFromSource) return new Worker(entry);
  // From source, the thread first registers tsx so it can load TypeScript.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(
    new URL(`file://${entry}`).href,
  )}); })`;
  return new Worker(bootstrap, { eval: true });
}
