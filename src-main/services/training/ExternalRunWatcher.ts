import type { TrainingProgress } from '../../../src-shared/model/Run.ts';
import type { OpenProject, ProjectSession } from '../project/ProjectSession.ts';
import { listOwners, recoverOrphanRuns } from '../runs/store/runOwners.ts';
import { getRun } from '../runs/store/getRun.ts';
import type { TrainingRunner } from './TrainingRunner.ts';
import { idleProgress } from './idleProgress.ts';

const POLL_MS = 1000;
/** Looking for runs whose process died costs a pid check per running run; not needed every second. */
const RECOVER_EVERY = 5;

/**
 * Relays, as progress events, what runs trained by other processes write to the database: their
 * latest progress while they train, and how they ended. It also notices when such a process dies
 * and marks its run interrupted, so a run never stays "running" after its process is gone.
 */
export class ExternalRunWatcher {
  private readonly timer: NodeJS.Timeout;
  private project: OpenProject | null = null;
  /** Runs owned elsewhere, by the heartbeat last relayed. */
  private seen = new Map<string, string>();
  private polls = 0;

  constructor(
    private readonly session: ProjectSession,
    private readonly runner: TrainingRunner,
    private readonly fire: (progress: TrainingProgress) => void,
  ) {
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  poll(): void {
    const project = this.session.current;
    if (project !== this.project) {
      this.project = project;
      this.seen = new Map();
    }
    if (!project) return;
    try {
      // A recovered run is reported below, with the runs whose owners let go of them.
      if (this.polls++ % RECOVER_EVERY === 0)
        for (const runId of recoverOrphanRuns(project.db)) this.seen.set(runId, '');
      const ours = new Set(this.runner.running);
      const owners = listOwners(project.db).filter((owner) => !ours.has(owner.runId));
      for (const owner of owners) {
        if (this.seen.get(owner.runId) === owner.heartbeatAt) continue;
        this.seen.set(owner.runId, owner.heartbeatAt);
        this.fire(
          owner.progress ??
            idleProgress(owner.runId, 'queued', `Starting: ${owner.owner} (process ${owner.pid}) trains this run…`),
        );
      }
      const current = new Set(owners.map((owner) => owner.runId));
      for (const runId of [...this.seen.keys()].filter((id) => !current.has(id))) {
        this.seen.delete(runId);
        const run = getRun(project.db, runId);
        if (!run || run.status === 'running' || run.status === 'queued') continue;
        const message =
          run.status === 'done' && run.summary
            ? `test accuracy ${(run.summary.testAccuracy * 100).toFixed(1)} %`
            : (run.error ?? run.status);
        this.fire(idleProgress(runId, run.status, message));
      }
    } catch {
      // The project may be closing under us; the next poll looks again.
    }
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
