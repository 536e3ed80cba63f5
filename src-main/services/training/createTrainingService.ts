import { Emitter } from '../../../src-shared/contract/events.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { parseTrainSpec } from '../../../src-shared/contract/trainSpecSchema.ts';
import { DEFAULT_TRAIN_PRESET_ID, type TrainingService } from '../../../src-shared/contract/TrainingService.ts';
import type { TrainingProgress } from '../../../src-shared/model/Run.ts';
import { appVersion } from '../appVersion.ts';
import { loadPresets } from '../features/loadFeaturePresets.ts';
import type { OpenProject, ProjectSession } from '../project/ProjectSession.ts';
import { ExternalRunWatcher } from './ExternalRunWatcher.ts';
import { claimRun, recoverOrphanRuns, releaseRun, requestCancel, thisProcess } from '../runs/store/runOwners.ts';
import { modelStatsFor } from './models/modelStatsFor.ts';
import { planDataset } from '../../../src-shared/training/planDataset.ts';
import { createRun } from '../runs/store/createRun.ts';
import { createSnapshot } from '../runs/store/createSnapshot.ts';
import { getRun } from '../runs/store/getRun.ts';
import { setRunStatus } from '../runs/store/setRunStatus.ts';
import { snapshotClips } from '../runs/store/snapshotClips.ts';
import { TrainingRunner } from './TrainingRunner.ts';
import { trainWarningsFor } from './trainWarningsFor.ts';

/**
 * Training runs for the open project; each run trains in its own worker process. Runs this process
 * did not start (the CLI, another studio window, a sweep) show the same way: their owners write
 * progress to the database, which this service relays, and cancel reaches them through it.
 */
export function createTrainingService(session: ProjectSession): TrainingService & { dispose(): void } {
  const progress = new Emitter<TrainingProgress>();
  // Named after the process ("kws-studio train", "KWS Studio"), for what others say about its runs.
  const me = thisProcess();
  const runner = new TrainingRunner((runId, message) => {
    const project = session.current;
    if (project) setRunStatus(project.db, runId, 'failed', { error: message });
  });
  runner.onDidProgress((event) => progress.fire(event));
  const watcher = new ExternalRunWatcher(session, runner, (event) => progress.fire(event));

  const launch = (project: OpenProject, runId: string, resume: boolean) => {
    // The worker takes ownership over from this process when it starts; this process forgets it then.
    void runner.start(project.layout.root, runId, resume).finally(() => {
      try {
        releaseRun(project.db, runId, me);
      } catch {
        // The project was closed meanwhile; its worker had the run, and left it as it ended.
      }
    });
    return getRun(project.db, runId)!;
  };

  return {
    async presets() {
      // The default first, then the other quick recipes (sized in epochs), then the papers' schedules.
      const rank = (id: string) => (id === DEFAULT_TRAIN_PRESET_ID ? 0 : id.startsWith('quick-') ? 1 : 2);
      return loadPresets('train', parseTrainSpec).sort((a, b) => rank(a.id) - rank(b.id));
    },

    modelStats({ model, features, classes }) {
      return modelStatsFor(model, features, classes);
    },

    async warnings({ spec }) {
      return trainWarningsFor(session.require().db, spec);
    },

    async startRun({ spec }) {
      const project = session.require();
      const snapshotId = createSnapshot(project.db);
      // The data plan is checked here too, so a spec that cannot train fails before a process starts.
      try {
        planDataset(snapshotClips(project.db, snapshotId), spec.data, spec.seed);
      } catch (error) {
        throw new StudioError('invalid_input', error instanceof Error ? error.message : String(error));
      }
      const runId = createRun(project.db, spec, snapshotId, appVersion, me);
      return launch(project, runId, false);
    },

    async resumeRun({ runId }) {
      const project = session.require();
      const run = getRun(project.db, runId);
      if (!run) throw new StudioError('not_found', `There is no run ${runId} in this project.`);
      if (runner.running.includes(runId)) throw new StudioError('invalid_input', `Run ${runId} is already running.`);
      if (run.status === 'done')
        throw new StudioError('invalid_input', `Run ${runId} has finished; start a new run instead.`);
      // Refused, naming the process, while another live process (or a sweep of this one) trains it.
      claimRun(project.db, runId, me, { exclusive: true });
      return launch(project, runId, true);
    },

    async cancelRun({ runId, reason }) {
      if (reason !== undefined ? runner.interrupt(runId, reason) : runner.cancel(runId)) return;
      const project = session.require();
      if (requestCancel(project.db, runId)) return;
      const run = getRun(project.db, runId);
      if (!run) throw new StudioError('not_found', `There is no run ${runId} in this project.`);
      if (recoverOrphanRuns(project.db).includes(runId)) {
        watcher.poll();
        throw new StudioError(
          'not_found',
          `Run ${runId} was not running any more: its process had ended. It is now marked interrupted and can be resumed.`,
        );
      }
      throw new StudioError('not_found', `Run ${runId} is not running (it is ${run.status}).`);
    },

    onDidProgress: progress.event,

    dispose() {
      watcher.dispose();
      runner.dispose();
    },
  };
}
