import type { RunSummary } from '../../../src-shared/model/Run.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { writeAsOwner, type RunOwner } from '../runs/store/runOwners.ts';
import { addArtifact } from '../runs/store/addArtifact.ts';
import { recordMetrics, type MetricPoint } from '../runs/store/recordMetrics.ts';
import { savePredictions, type PredictionRow } from '../runs/store/savePredictions.ts';
import { setRunStatus } from '../runs/store/setRunStatus.ts';
import { truncateMetrics } from '../runs/store/truncateMetrics.ts';

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

/**
 * Writes straight into the project database. With `owner`, every write first checks, in its own
 * transaction, that the owner still owns the run, and throws RunTakenOver when another process has
 * taken it over: a worker never writes a run that is no longer its own.
 */
export function databaseRecorder(db: ProjectDatabase, runId: string, owner?: RunOwner): RunRecorder {
  const write = (apply: () => void) => (owner ? writeAsOwner(db, runId, owner, apply) : apply());
  return {
    started: (tensorflowVersion) => write(() => setRunStatus(db, runId, 'running', { tensorflowVersion })),
    metrics: (points) => write(() => recordMetrics(db, runId, points)),
    truncateMetrics: (afterStep) => write(() => truncateMetrics(db, runId, afterStep)),
    checkpoint: (epoch) => write(() => setRunStatus(db, runId, 'running', { checkpointEpoch: epoch })),
    predictions: (rows) => write(() => savePredictions(db, runId, rows)),
    artifact: (kind, path, bytes) => write(() => addArtifact(db, runId, kind, path, bytes)),
    done: (summary) => write(() => setRunStatus(db, runId, 'done', { summary })),
  };
}
