import type { OpenProject } from '../project/ProjectSession.ts';
import { LocalTrialExecutor } from './LocalTrialExecutor.ts';
import { RedisTrialExecutor } from './queue/RedisTrialExecutor.ts';
import { getSweep } from './sweepStore.ts';
import type { TrialExecutor } from './TrialExecutor.ts';

/** The executor a sweep was started with: its Redis queue, or this machine's worker pool. */
export function createTrialExecutor(project: OpenProject, sweepId: string): TrialExecutor {
  const queueUrl = getSweep(project.db, sweepId)?.queueUrl ?? null;
  return queueUrl ? new RedisTrialExecutor(project, queueUrl) : new LocalTrialExecutor(project);
}
