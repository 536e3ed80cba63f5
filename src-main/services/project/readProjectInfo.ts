import type { ProjectInfo } from '../../../src-shared/model/ProjectInfo.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { OpenProject } from './ProjectSession.ts';

/** The project record and its clip, noise and label counts, as the UI and CLI show them. */
export function readProjectInfo(project: OpenProject): ProjectInfo {
  const { db, layout } = project;
  const row = db.prepare('SELECT name, created_at, sample_rate, clip_duration_ms FROM project WHERE id = 1').get() as
    { name: string; created_at: string; sample_rate: number; clip_duration_ms: number } | undefined;
  if (!row) throw new StudioError('project_corrupt', `${layout.database} has no project record.`);
  const counts = db
    .prepare(
      `SELECT
         SUM(kind = 'sample') AS clips,
         SUM(kind = 'noise') AS noise,
         (SELECT COUNT(*) FROM labels) AS labels
       FROM clips WHERE deleted_at IS NULL`,
    )
    .get() as { clips: number | null; noise: number | null; labels: number };
  return {
    path: layout.root,
    name: row.name,
    createdAt: row.created_at,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    sampleRate: row.sample_rate,
    clipDurationMs: row.clip_duration_ms,
    clipCount: counts.clips ?? 0,
    noiseCount: counts.noise ?? 0,
    labelCount: counts.labels,
  };
}
