import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** Records a file a run wrote (a model, a checkpoint) under its folder; written again, the row is updated. */
export function addArtifact(
  db: ProjectDatabase,
  runId: string,
  kind: string,
  path: string,
  bytes: number,
  time = new Date().toISOString(),
): void {
  db.prepare(
    `INSERT INTO artifacts (run_id, kind, path, bytes, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, path) DO UPDATE SET kind = excluded.kind, bytes = excluded.bytes, created_at = excluded.created_at`,
  ).run(runId, kind, path, bytes, time);
}
