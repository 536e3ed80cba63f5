import type { RunInfo } from '../../../../src-shared/model/Run.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { toRunInfo, type RunRecord } from './toRunInfo.ts';

export function listRuns(db: ProjectDatabase): RunInfo[] {
  // Soft-deleted runs stay out of every list but the run table's own "deleted" scope.
  return (db.prepare('SELECT * FROM runs WHERE deleted_at IS NULL ORDER BY created_at DESC').all() as RunRecord[]).map(
    (record) => toRunInfo(db, record),
  );
}
