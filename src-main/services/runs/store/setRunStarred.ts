import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { updateEachRun } from './updateEachRun.ts';

export function setRunStarred(db: ProjectDatabase, runIds: readonly string[], starred: boolean): number {
  return updateEachRun(db, runIds, 'UPDATE runs SET starred = ? WHERE id = ? AND starred != ?', (id) => [
    Number(starred),
    id,
    Number(starred),
  ]);
}
