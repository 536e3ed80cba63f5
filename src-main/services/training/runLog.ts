import fs from 'node:fs';
import type { RunSummary } from '../../../src-shared/model/Run.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import type { RunRecorder } from './RunRecorder.ts';
import { addArtifact } from '../runs/store/addArtifact.ts';
import { clearRunResults } from '../runs/store/clearRunResults.ts';
import { recordMetrics, type MetricPoint } from '../runs/store/recordMetrics.ts';
import { savePredictions } from '../runs/store/savePredictions.ts';
import { setRunStatus } from '../runs/store/setRunStatus.ts';
import { truncateMetrics } from '../runs/store/truncateMetrics.ts';

/** One thing a run recorded, as JSON: what a queue worker logs and sends back to the coordinator. */
export type RunOp =
  | { op: 'started'; tensorflowVersion: string }
  | { op: 'metrics'; points: MetricPoint[]; time: string }
  | { op: 'truncate'; afterStep: number }
  | { op: 'checkpoint'; epoch: number }
  | {
      op: 'predictions';
      rows: {
        clipId: number;
        split: string | null;
        label: string;
        predicted: string;
        confidence: number;
        probabilities: number[];
      }[];
    }
  | { op: 'artifact'; kind: string; path: string; bytes: number; time: string }
  | { op: 'done'; summary: RunSummary };

/**
 * A recorder that appends each record to a JSON-lines file beside the run's checkpoint, and hands
 * it on. The file outlives a killed worker, so the worker that resumes the run sends the whole
 * history back, not only what it trained itself.
 */
export function loggingRecorder(file: string, onOp: (op: RunOp) => void): RunRecorder {
  const log = (op: RunOp) => {
    fs.appendFileSync(file, `${JSON.stringify(op)}\n`);
    onOp(op);
  };
  const now = () => new Date().toISOString();
  return {
    started: (tensorflowVersion) => log({ op: 'started', tensorflowVersion }),
    metrics: (points) => log({ op: 'metrics', points: [...points], time: now() }),
    truncateMetrics: (afterStep) => log({ op: 'truncate', afterStep }),
    checkpoint: (epoch) => log({ op: 'checkpoint', epoch }),
    predictions: (rows) =>
      log({ op: 'predictions', rows: rows.map((row) => ({ ...row, probabilities: [...row.probabilities] })) }),
    artifact: (kind, path, bytes) => log({ op: 'artifact', kind, path, bytes, time: now() }),
    done: (summary) => log({ op: 'done', summary }),
  };
}

/** The records in a log file; a last line torn by a crash mid-write is dropped. */
export function readRunLog(file: string): RunOp[] {
  if (!fs.existsSync(file)) return [];
  const ops: RunOp[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      ops.push(JSON.parse(line) as RunOp);
    } catch {
      break;
    }
  }
  return ops;
}

/**
 * Writes a run's records into the database. With `replace`, the run's metrics, predictions and
 * artifacts are rebuilt from the log alone (a whole log arrives when a job ends), in one transaction.
 */
export function applyRunLog(
  db: ProjectDatabase,
  runId: string,
  ops: readonly RunOp[],
  options: { replace: boolean },
): void {
  db.transaction(() => {
    if (options.replace) clearRunResults(db, runId);
    for (const op of ops) {
      if (op.op === 'started') setRunStatus(db, runId, 'running', { tensorflowVersion: op.tensorflowVersion });
      else if (op.op === 'metrics') recordMetrics(db, runId, op.points, op.time);
      else if (op.op === 'truncate') truncateMetrics(db, runId, op.afterStep);
      else if (op.op === 'checkpoint') setRunStatus(db, runId, 'running', { checkpointEpoch: op.epoch });
      else if (op.op === 'predictions')
        savePredictions(
          db,
          runId,
          op.rows.map((row) => ({ ...row, probabilities: Float32Array.from(row.probabilities) })),
        );
      else if (op.op === 'artifact') addArtifact(db, runId, op.kind, op.path, op.bytes, op.time);
      else setRunStatus(db, runId, 'done', { summary: op.summary });
    }
  })();
}
