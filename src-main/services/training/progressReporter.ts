import type { TrainingProgress } from '../../../src-shared/model/Run.ts';
import { idleProgress } from './idleProgress.ts';

/** How each part of a run reports: a message, with whichever progress fields it knows. */
export type ReportProgress = (fields: Partial<TrainingProgress> & { message: string }) => void;

/** A run's reporter: fields a part leaves out read as not known yet (zero, or null). */
export function progressReporter(runId: string, onProgress: (progress: TrainingProgress) => void): ReportProgress {
  return (fields) => onProgress({ ...idleProgress(runId, 'running', fields.message), ...fields });
}
