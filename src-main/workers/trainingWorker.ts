import { openProject } from '../services/project/createProjectService.ts';
import { loadTensorflow } from '../services/tensorflow/loadTensorflow.ts';
import type { FromTrainingWorker, ToTrainingWorker, TrainingWorkerEnd } from '../services/training/trainingWorkerMessages.ts';
import { setRunStatus } from '../services/training/runStore.ts';
import { beatRuns, claimRun, releaseRun, thisProcess } from '../services/training/runOwners.ts';
import type { TrainingProgress } from '../../src-shared/model/Run.ts';
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
/** How often the run's owner record is renewed (and a cancel request from another process read). */
const HEARTBEAT_MS = 1000;
const PARENT_ENDED = 'its controlling process ended';
const me = thisProcess('training worker');

process.on('message', (message: ToTrainingWorker) => {
  if (message.type === 'cancel') {
    controller?.abort();
    return;
  }
  void run(message);
});
// The parent going away (killed, or its terminal closed): finish the step, record why, leave.
process.on('disconnect', () => (controller ? controller.abort(PARENT_ENDED) : process.exit(0)));

async function run({ projectPath, runId, resume, keepAlive }: Extract<ToTrainingWorker, { type: 'start' }>): Promise<void> {
  const signal = (controller = new AbortController()).signal;
  const { tf } = await loadTensorflow();
  const tensorsBefore = tf.memory().numTensors;
  let end: TrainingWorkerEnd;
  try {
    const project = openProject(projectPath);
    try {
      // Taken over from the process that started the run. Refused while another live process trains
      // it: then its status is that process's to write, not ours.
      claimRun(project.db, runId, me, { takeOverFrom: process.ppid });
    } catch (error) {
      project.db.close();
      throw error;
    }
    let heartbeat: NodeJS.Timeout | undefined;
    try {
      let latest: TrainingProgress | null = null;
      heartbeat = setInterval(() => {
        try {
          const cancelRequested = beatRuns(project.db, me, latest ? new Map([[runId, latest]]) : undefined);
          if (cancelRequested.includes(runId)) controller?.abort();
        } catch {
          // A busy database skips one beat; the next one comes a second later. Training goes on.
        }
      }, HEARTBEAT_MS);
      const onProgress = (progress: TrainingProgress) => {
        latest = progress;
        send({ type: 'progress', progress });
      };
      const summary = await trainRun({ source: projectRunSource(project, runId), recorder: databaseRecorder(project.db, runId), resume, signal, onProgress });
      end = { type: 'done', summary };
    } catch (error) {
      if (signal.aborted && signal.reason === PARENT_ENDED) {
        setRunStatus(project.db, runId, 'interrupted', { error: `interrupted: ${PARENT_ENDED}; resume continues from the last checkpoint` });
        end = { type: 'cancelled' };
      } else if (error instanceof TrainingCancelled || signal.aborted) {
        setRunStatus(project.db, runId, 'cancelled', { error: 'cancelled by the user' });
        end = { type: 'cancelled' };
      } else {
        console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        setRunStatus(project.db, runId, 'failed', { error: error instanceof Error ? error.message : String(error) });
        end = { type: 'failed', message: error instanceof Error ? error.message : String(error) };
      }
    } finally {
      clearInterval(heartbeat);
      releaseRun(project.db, runId, me);
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
