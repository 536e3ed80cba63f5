import type { TrainingProgress } from '../../src-shared/model/Run.ts';

/** The progress line's text while a run trains: its message, then loss, accuracy and time left as they become known. */
export function trainingLine(progress: TrainingProgress): string {
  const parts = [progress.message];
  if (progress.loss !== null) parts.push(`loss ${progress.loss.toFixed(3)}`);
  if (progress.accuracy !== null) parts.push(`acc ${(progress.accuracy * 100).toFixed(1)}%`);
  if (progress.etaSeconds !== null) parts.push(`eta ${Math.round(progress.etaSeconds)}s`);
  return parts.join(' · ');
}
