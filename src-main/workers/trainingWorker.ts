import { openProject } from '../services/project/createProjectService.ts';
import { loadTensorflow } from '../services/tensorflow/loadTensorflow.ts';
import type { FromTrainingWorker, ToTrainingWorker, TrainingWorkerEnd } from '../services/training/trainingWorkerMessages.ts';
import { setRunStatus } from '../services/training/runStore.ts';
import { databaseRecorder } from '../services/training/RunRecorder.ts';
import { projectRunSource } from '../services/training/RunSource.ts';
import { TrainingCancelled, trainRun } from '../services/training/trainRun.ts';

/**
 * Training runs in their own process, so a crash, a native abort or a leak cannot reach the studio.
 * The run's state lives in the project database; this process writes it as it goes. A sweep keeps
 * the process for its next trial (no second start-up of TensorFlow), unless a run left tensors behind.
 */
let controller: AbortController | null = null;
const send = (message: FromTrainingWorker) => process.send?.(message);

process.on('message', (message: ToTrainingWorker) => {
  if (message.type === 'cancel') {
    controller?.abort();
    return;
  }
  void run(message);
});
// The parent going away is a cancel: finish the step, record it, leave.
process.on('disconnect', () => (controller ? controller.abort() : process.exit(0)));

async function run({ projectPath, runId, resume, keepAlive }: Extract<ToTrainingWorker, { type: 'start' }>): Promise<void> {
  const signal = (controller = new AbortController()).signal;
  const { tf } = await loadTensorflow();
  const tensorsBefore = tf.memory().numTensors;
  let end: TrainingWorkerEnd;
  try {
    const project = openProject(projectPath);
    try {
      const summary = await trainRun({ source: projectRunSource(project, runId), recorder: databaseRecorder(project.db, runId), resume, signal, onProgress: (progress) => send({ type: 'progress', progress }) });
      end = { type: 'done', summary };
    } catch (error) {
      if (error instanceof TrainingCancelled || signal.aborted) {
        setRunStatus(project.db, runId, 'cancelled', { error: 'cancelled by the user' });
        end = { type: 'cancelled' };
      } else {
        console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        setRunStatus(project.db, runId, 'failed', { error: error instanceof Error ? error.message : String(error) });
        end = { type: 'failed', message: error instanceof Error ? error.message : String(error) };
      }
    } finally {
      project.db.close();
    }
  } catch (error) {
    end = { type: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  controller = null;
  // A run that failed half-way may leave tensors behind; the next one gets a clean process then.
  const stays = Boolean(keepAlive) && process.connected && !signal.aborted && tf.memory().numTensors <= tensorsBefore;
  send({ ...end, stays });
  // Let the last message reach the parent before leaving.
  if (!stays) setImmediate(() => process.exit(0));
}
