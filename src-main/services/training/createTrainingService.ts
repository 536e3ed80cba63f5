import { Emitter } from '../../../src-shared/contract/events.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { parseTrainSpec } from '../../../src-shared/contract/trainSpecSchema.ts';
import type { TrainingService } from '../../../src-shared/contract/TrainingService.ts';
import type { ClipPrediction } from '../../../src-shared/model/ClipPrediction.ts';
import type { TrainingProgress } from '../../../src-shared/model/Run.ts';
import { appVersion } from '../appVersion.ts';
import { loadPresets } from '../features/loadFeaturePresets.ts';
import type { ProjectSession } from '../project/OpenProject.ts';
import { modelStatsFor } from './models/modelStatsFor.ts';
import { planDataset } from './planDataset.ts';
import { createRun, createSnapshot, getRun, listRuns, setRunStatus, snapshotClips } from './runStore.ts';
import { TrainingRunner } from './TrainingRunner.ts';

/** Training runs for the open project; each run trains in its own worker process. */
export function createTrainingService(session: ProjectSession): TrainingService & { dispose(): void } {
  const progress = new Emitter<TrainingProgress>();
  const runner = new TrainingRunner((runId, message) => {
    const project = session.current;
    if (project) setRunStatus(project.db, runId, 'failed', { error: message });
  });
  runner.onDidProgress((event) => progress.fire(event));

  const launch = (runId: string, resume: boolean) => {
    const project = session.require();
    void runner.start(project.layout.root, runId, resume);
    return getRun(project.db, runId)!;
  };

  return {
    async presets() {
      return loadPresets('train', parseTrainSpec);
    },

    modelStats({ model, features, classes }) {
      return modelStatsFor(model, features, classes);
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
      const runId = createRun(project.db, spec, snapshotId, appVersion);
      return launch(runId, false);
    },

    async resumeRun({ runId }) {
      const project = session.require();
      const run = getRun(project.db, runId);
      if (!run) throw new StudioError('not_found', `There is no run ${runId} in this project.`);
      if (runner.running.includes(runId)) throw new StudioError('invalid_input', `Run ${runId} is already running.`);
      if (run.status === 'done') throw new StudioError('invalid_input', `Run ${runId} has finished; start a new run instead.`);
      return launch(runId, true);
    },

    async cancelRun({ runId }) {
      if (!runner.cancel(runId)) throw new StudioError('not_found', `Run ${runId} is not running.`);
    },

    async listRuns() {
      return listRuns(session.require().db);
    },

    async getRun({ runId }) {
      const run = getRun(session.require().db, runId);
      if (!run) throw new StudioError('not_found', `There is no run ${runId} in this project.`);
      return run;
    },

    async predictions({ runId, actual, predicted, split, limit }) {
      const rows = session
        .require()
        .db.prepare(
          `SELECT p.clip_id AS clipId, c.original_name AS originalName, p.split, p.label, l.name AS currentLabel, p.predicted, p.confidence
           FROM predictions p JOIN clips c ON c.id = p.clip_id LEFT JOIN labels l ON l.id = c.label_id
           WHERE p.run_id = ? AND (? IS NULL OR p.label = ?) AND (? IS NULL OR p.predicted = ?) AND (? IS NULL OR p.split = ?)
           ORDER BY p.confidence DESC LIMIT ?`,
        )
        .all(runId, actual ?? null, actual ?? null, predicted ?? null, predicted ?? null, split ?? null, split ?? null, limit ?? 1000);
      return rows as ClipPrediction[];
    },

    onDidProgress: progress.event,

    dispose() {
      runner.dispose();
    },
  };
}
