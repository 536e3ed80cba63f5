import { openProject } from '../services/project/openProject.ts';
import { loadTensorflow } from '../services/tensorflow/loadTensorflow.ts';
import type {
  FromTrainingWorker,
  ToTrainingWorker,
  TrainingWorkerEnd,
} from '../services/training/trainingWorkerMessages.ts';
import { setRunStatus } from '../services/runs/store/setRunStatus.ts';
import type { ProjectDatabase } from '../store/openProjectDatabase.ts';
import {
  beatRuns,
  claimRun,
  ownerOf,
  ownsRun,
  releaseRun,
  resumeNote,
  RunTakenOver,
  thisProcess,
  writeAsOwner,
} from '../services/runs/store/runOwners.ts';
import type { TrainingProgress } from '../../src-shared/model/Run.ts';
import { databaseRecorder } from '../services/training/RunRecorder.ts';
import { projectRunSource } from '../services/training/RunSource.ts';
import { TrainingCancelled, trainRun } from '../services/training/trainRun.ts';

/**
 * Training runs in their own process, so a crash, a native abort or a leak cannot reach the studio.
 * The run's state lives in the project database; this process writes it as it goes, and only while
 * it owns the run. A sweep keeps the process for its next trial (no second start-up of TensorFlow),
 * unless a run left tensors behind.
 */
let controller: AbortController | null = null;
/** How often the run's owner record is renewed (and a cancel request from another process read). */
const HEARTBEAT_MS = 1000;
const PARENT_ENDED = 'its controlling process ended';
const me = thisProcess('training worker');
/**
 * To the parent, while it is there. A send on a channel the parent's death broke fails with EPIPE
 * before 'disconnect' arrives; unhandled, that error ended this process before it could record the
 * run (left "running" until someone opened the project). With a callback it is only a sign the parent is gone.
 */
const send = (message: FromTrainingWorker) => {
  if (!process.connected) return;
  process.send?.(message, undefined, undefined, (error: Error | null) => {
    if (error) interrupt(PARENT_ENDED);
  });
};

/** Why a run stops before its end, as the abort reason: the user cancelled it, it was interrupted, or it is not ours any more. */
type StopReason = { kind: 'interrupted'; why: string } | { kind: 'taken-over'; error: RunTakenOver };
const isStopReason = (reason: unknown): reason is StopReason =>
  typeof reason === 'object' && reason !== null && 'kind' in reason;

process.on('message', (message: ToTrainingWorker) => {
  if (message.type === 'cancel') controller?.abort();
  else if (message.type === 'stop') interrupt(message.reason);
  else void run(message);
});
// The parent going away (killed, or its terminal closed): finish the step, record why, leave.
process.on('disconnect', () => interrupt(PARENT_ENDED));
// Its output goes to pipes the parent reads; with the parent gone a write fails (EPIPE), which must not end the run unrecorded.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
// A signal to this process (a terminal's Ctrl+C reaches the whole process group, a service manager
// stops every process of its unit): the run ends interrupted, saying which signal; a second one ends
// the process at once.
let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (signalled || !controller) process.exit(0);
    signalled = true;
    interrupt(`stopped by ${signal}`);
  });
}

/** Stops the run in progress as interrupted (the first reason given is the one recorded); with none, leaves. */
function interrupt(why: string): void {
  if (controller) controller.abort({ kind: 'interrupted', why } satisfies StopReason);
  else process.exit(0);
}

async function run({
  projectPath,
  runId,
  resume,
  keepAlive,
}: Extract<ToTrainingWorker, { type: 'start' }>): Promise<void> {
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
          // A run taken over (its owner record now names another process) stops here, writing nothing more.
          if (!ownsRun(project.db, runId, me)) {
            controller?.abort({
              kind: 'taken-over',
              error: new RunTakenOver(runId, ownerOf(project.db, runId)),
            } satisfies StopReason);
            return;
          }
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
      const recorder = databaseRecorder(project.db, runId, me);
      const summary = await trainRun({
        source: projectRunSource(project, runId),
        recorder,
        resume,
        signal,
        onProgress,
      });
      end = { type: 'done', summary };
    } catch (error) {
      end = recordEnd(project.db, runId, error, signal.aborted ? signal.reason : undefined);
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

/** Records how the run ended early (unless it is not ours any more: then nothing is written) and says so to the parent. */
function recordEnd(db: ProjectDatabase, runId: string, error: unknown, reason: unknown): TrainingWorkerEnd {
  const takenOver =
    error instanceof RunTakenOver ? error : isStopReason(reason) && reason.kind === 'taken-over' ? reason.error : null;
  if (takenOver) return { type: 'failed', message: takenOver.message };
  try {
    return writeAsOwner(db, runId, me, (): TrainingWorkerEnd => {
      if (isStopReason(reason) && reason.kind === 'interrupted') {
        const checkpointEpoch = db.prepare('SELECT checkpoint_epoch FROM runs WHERE id = ?').pluck().get(runId) as
          number | null;
        setRunStatus(db, runId, 'interrupted', { error: `interrupted: ${reason.why}; ${resumeNote(checkpointEpoch)}` });
        return { type: 'interrupted', reason: reason.why };
      }
      if (error instanceof TrainingCancelled || reason !== undefined) {
        setRunStatus(db, runId, 'cancelled', { error: 'cancelled by the user' });
        return { type: 'cancelled' };
      }
      const message = error instanceof Error ? error.message : String(error);
      console.error(error instanceof Error ? (error.stack ?? message) : message);
      setRunStatus(db, runId, 'failed', { error: message });
      return { type: 'failed', message };
    });
  } catch (lost) {
    return { type: 'failed', message: lost instanceof Error ? lost.message : String(lost) };
  }
}
