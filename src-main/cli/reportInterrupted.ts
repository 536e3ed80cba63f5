import type { TrainingProgress } from '../../src-shared/model/Run.ts';
import type { SignalStop } from './stopOnSignals.ts';

/**
 * A run a signal stopped: says how to continue it, and sets the signal's exit code (130 for
 * SIGINT, 143 for SIGTERM). False when the run ended otherwise (it may have finished meanwhile).
 */
export function reportInterrupted(
  runId: string,
  projectDir: string,
  end: TrainingProgress,
  stopping: SignalStop,
): boolean {
  if (end.status !== 'interrupted' || !stopping.signal) return false;
  console.error(
    `kws-studio: run ${runId} stopped by ${stopping.signal}; \`kws-studio runs resume ${runId} --project ${projectDir}\` continues it`,
  );
  process.exitCode = stopping.exitCode!;
  return true;
}
