import { openProject } from '../services/project/createProjectService.ts';
import type { FromTrainingWorker, ToTrainingWorker } from '../services/training/trainingWorkerMessages.ts';
import { setRunStatus } from '../services/training/runStore.ts';
import { databaseRecorder } from '../services/training/RunRecorder.ts';
import { projectRunSource } from '../services/training/RunSource.ts';
import { TrainingCancelled, trainRun } from '../services/training/trainRun.ts';

/**
 * One training run in its own process, so a crash, a native abort or a leak cannot reach the
 * studio. The run's state lives in the project database; this process writes it as it goes.
 */
const controller = new AbortController();
const send = (message: FromTrainingWorker) => process.send?.(message);

process.on('message', (message: ToTrainingWorker) => {
  if (message.type === 'cancel') {
    controller.abort();
    return;
  }
  void run(message);
});
// The parent going away is a cancel: finish the step, record it, leave.
process.on('disconnect', () => controller.abort());

async function run({ projectPath, runId, resume }: Extract<ToTrainingWorker, { type: 'start' }>): Promise<void> {
  let project: ReturnType<typeof openProject>;
  try {
    project = openProject(projectPath);
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    setImmediate(() => process.exit(0));
    return;
  }
  try {
    const summary = await trainRun({ source: projectRunSource(project, runId), recorder: databaseRecorder(project.db, runId), resume, signal: controller.signal, onProgress: (progress) => send({ type: 'progress', progress }) });
    send({ type: 'done', summary });
  } catch (error) {
    if (error instanceof TrainingCancelled || controller.signal.aborted) {
      setRunStatus(project.db, runId, 'cancelled', { error: 'cancelled by the user' });
      send({ type: 'cancelled' });
    } else {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      setRunStatus(project.db, runId, 'failed', { error: error instanceof Error ? error.message : String(error) });
      console.error(text);
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  } finally {
    project.db.close();
    // Let the last message reach the parent before leaving.
    setImmediate(() => process.exit(0));
  }
}
