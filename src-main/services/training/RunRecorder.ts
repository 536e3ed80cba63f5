import type { RunSummary } from '../../../src-shared/model/Run.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { addArtifact, recordMetrics, savePredictions, setRunStatus, truncateMetrics, type MetricPoint, type PredictionRow } from './runStore.ts';

/**
 * Everything a training run records about itself, as one interface: on this machine it goes
 * straight into the project database; on a queue worker it is logged and sent back to the
 * coordinator, the only process that writes the database of a shared project.
 */
export interface RunRecorder {
  started(tensorflowVersion: string): void;
  metrics(points: readonly MetricPoint[]): void;
  /** A resumed run drops what it recorded after its checkpoint's step. */
  truncateMetrics(afterStep: number): void;
  checkpoint(epoch: number): void;
  predictions(rows: readonly PredictionRow[]): void;
  artifact(kind: string, path: string, bytes: number): void;
  done(summary: RunSummary): void;
}

export function databaseRecorder(db: ProjectDatabase, runId: string): RunRecorder {
  return {
    started: (tensorflowVersion) => setRunStatus(db, runId, 'running', { tensorflowVersion }),
    metrics: (points) => recordMetrics(db, runId, points),
    truncateMetrics: (afterStep) => truncateMetrics(db, runId, afterStep),
    checkpoint: (epoch) => setRunStatus(db, runId, 'running', { checkpointEpoch: epoch }),
    predictions: (rows) => savePredictions(db, runId, rows),
    artifact: (kind, path, bytes) => addArtifact(db, runId, kind, path, bytes),
    done: (summary) => setRunStatus(db, runId, 'done', { summary }),
  };
}
