import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** Throws, naming them, when any of the runs is not in the project; an edit applies to all or none. */
export function requireRuns(db: ProjectDatabase, runIds: readonly string[]): void {
  const found = new Set(
    db
      .prepare('SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(JSON.stringify(runIds)) as string[],
  );
  const missing = [...new Set(runIds.filter((id) => !found.has(id)))];
  if (missing.length)
    throw new StudioError(
      'not_found',
      `${listRunIds(missing)} ${missing.length === 1 ? 'is' : 'are'} not in this project.`,
    );
}

/** "a, b, c" or "a, b, c and 4 more": run ids for a message. */
export function listRunIds(ids: readonly string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}
