import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { updateEachRun } from './updateEachRun.ts';

export function setRunArchived(db: ProjectDatabase, runIds: readonly string[], archived: boolean): number {
  const now = new Date().toISOString();
  return archived
    ? updateEachRun(db, runIds, 'UPDATE runs SET archived_at = ? WHERE id = ? AND archived_at IS NULL', (id) => [
        now,
        id,
      ])
    : updateEachRun(db, runIds, 'UPDATE runs SET archived_at = NULL WHERE id = ? AND archived_at IS NOT NULL', (id) => [
        id,
      ]);
}
