import fs from 'node:fs';
import path from 'node:path';
import type { RunSummary, TrainingProgress } from '../../../src-shared/model/Run.ts';
import { loadTensorflow } from '../tensorflow/loadTensorflow.ts';
import { finishRun } from './finishRun.ts';
import { prepareExamples } from './prepareExamples.ts';
import { progressReporter } from './progressReporter.ts';
import type { RunRecorder } from './RunRecorder.ts';
import type { RunSource } from './RunSource.ts';
import { trainLoop } from './trainLoop.ts';

export { TrainingCancelled } from './TrainingCancelled.ts';

export interface TrainRunOptions {
  source: RunSource;
  recorder: RunRecorder;
  /** Continue after the last checkpoint instead of starting over. */
  resume: boolean;
  onProgress(progress: TrainingProgress): void;
  signal: AbortSignal;
}

/**
 * Trains one run to the end, in three parts: preparing its examples (prepareExamples), the training
 * loop (trainLoop) and finishing it (finishRun: test metrics, predictions, the exported model,
 * statistics and latency). Runs inside a worker process; everything it learns goes to its recorder
 * as it goes, files to the run's folder.
 */
export async function trainRun(options: TrainRunOptions): Promise<RunSummary> {
  const { source, recorder, signal } = options;
  const { runId, spec } = source;
  const { tf, tensorflowVersion } = await loadTensorflow();
  const runDir = path.join(source.layout.runs, runId);
  fs.mkdirSync(runDir, { recursive: true });
  const progress = progressReporter(runId, options.onProgress);

  recorder.started(tensorflowVersion);
  const examples = await prepareExamples({ source, progress, signal });
  const trained = await trainLoop({ tf, spec, runDir, examples, resume: options.resume, recorder, progress, signal });
  return finishRun({ tf, runId, spec, runDir, examples, trained, recorder, progress });
}
