import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** A file training recorded for a run. */
export interface RunArtifact {
  /** e.g. `tfjs-model`, `tfjs-weights`. */
  kind: string;
  /** Relative to the run's folder, e.g. `model/model.json`. */
  path: string;
  bytes: number;
}

/** The files a run recorded (relative to its folder), in path order. */
export function readRunArtifacts(db: ProjectDatabase, runId: string): RunArtifact[] {
  return db
    .prepare('SELECT kind, path, bytes FROM artifacts WHERE run_id = ? ORDER BY path')
    .all(runId) as RunArtifact[];
}
