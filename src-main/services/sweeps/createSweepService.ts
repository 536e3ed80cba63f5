import { Emitter } from '../../../src-shared/contract/events.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { parseSweepSpec, sweepSpecSchema } from '../../../src-shared/contract/sweepSpecSchema.ts';
import type { SweepService } from '../../../src-shared/contract/SweepService.ts';
import type { SweepDetail, SweepInfo, SweepProgressEvent } from '../../../src-shared/model/Sweep.ts';
import type { SweepSpec } from '../../../src-shared/model/SweepSpec.ts';
import { sweepTrialCount } from '../../../src-shared/sweep/expandSweep.ts';
import { loadPresets } from '../features/loadFeaturePresets.ts';
import type { OpenProject, ProjectSession } from '../project/ProjectSession.ts';
import { estimateSweepSeconds } from './estimateSweepSeconds.ts';
import { extendSweep } from './extendSweep.ts';
import { sweepParallelism } from './LocalTrialExecutor.ts';
import { checkRedis } from './queue/trialQueue.ts';
import { startSweep } from './startSweep.ts';
import { SweepScheduler } from './SweepScheduler.ts';
import { sweepWarningsFor } from './sweepWarningsFor.ts';
import {
  earlierAttempts,
  getSweep,
  listSweeps,
  listTrials,
  setSweepStatus,
  type SweepRow,
  type SweepStatus,
} from './sweepStore.ts';
import { paretoFront, trialScores } from './trialScores.ts';

/**
 * Sweeps for the open project. A sweep left running when the studio stopped (even killed) carries on
 * when its project is opened again; each sweep has its own scheduler while it runs.
 */
export function createSweepService(
  session: ProjectSession,
): SweepService & { dispose(): void; resumeUnfinished(project: OpenProject): void } {
  const progress = new Emitter<SweepProgressEvent>();
  const schedulers = new Map<string, SweepScheduler>();
  /** Each sweep's latest scheduler run, until it has let go of the sweep: the status it ended in. */
  const finishing = new Map<string, Promise<SweepStatus>>();

  /** One scheduler's run of a sweep; settles once the scheduler is disposed (workers gone, queue connections closed). */
  const schedule = async (project: OpenProject, sweepId: string): Promise<SweepStatus> => {
    const scheduler = new SweepScheduler(project, sweepId, (event) =>
      progress.fire({
        sweepId: event.sweepId,
        status: event.status,
        total: event.total,
        done: event.done,
        running: event.running,
        failed: event.failed,
        queued: event.queued,
        bestValAccuracy: event.best?.valAccuracy ?? null,
        etaSeconds: event.etaSeconds,
        message: event.message,
      }),
    );
    schedulers.set(sweepId, scheduler);
    try {
      return await scheduler.run();
    } catch (error) {
      progress.fire({
        sweepId,
        status: 'paused',
        total: 0,
        done: 0,
        running: 0,
        failed: 0,
        queued: 0,
        bestValAccuracy: null,
        etaSeconds: null,
        message: `stopped: ${error instanceof Error ? error.message : String(error)}`,
      });
      throw error;
    } finally {
      // Out of the table first: trials added meanwhile start a new run rather than notify this one.
      if (schedulers.get(sweepId) === scheduler) schedulers.delete(sweepId);
      await scheduler.dispose();
    }
  };

  const launch = (project: OpenProject, sweepId: string): Promise<SweepStatus> => {
    const previous = finishing.get(sweepId);
    // A scheduler that is pausing still holds the sweep; the next starts when it has let go.
    const next = () => schedule(project, sweepId);
    const ended = previous ? previous.then(next, next) : next();
    finishing.set(sweepId, ended);
    // Settled either way; a failure was reported as progress, and runSweep hands it to its caller.
    const forget = () => {
      if (finishing.get(sweepId) === ended) finishing.delete(sweepId);
    };
    ended.then(forget, forget);
    return ended;
  };

  const info = (project: OpenProject, sweep: SweepRow): SweepInfo => {
    const trials = listTrials(project.db, sweep.id);
    const scores = trialScores(
      project.db,
      trials.filter((trial) => trial.status === 'done'),
      sweep.spec.constraints,
    ).filter((score) => score.meetsConstraints);
    return {
      id: sweep.id,
      name: sweep.name,
      status: sweep.status,
      createdAt: sweep.createdAt,
      finishedAt: sweep.finishedAt,
      total: trials.length,
      done: trials.filter((trial) => trial.status === 'done').length,
      failed: trials.filter((trial) => trial.status === 'failed').length,
      bestValAccuracy: scores.length ? Math.max(...scores.map((score) => score.valAccuracy ?? 0)) : null,
      queueUrl: sweep.queueUrl,
    };
  };
  const requireSweep = (project: OpenProject, sweepId: string) => {
    const sweep = getSweep(project.db, sweepId);
    if (!sweep) throw new StudioError('not_found', `There is no sweep ${sweepId} in this project.`);
    return sweep;
  };
  const detail = (project: OpenProject, sweep: SweepRow): SweepDetail => {
    const trials = listTrials(project.db, sweep.id);
    const scores = trialScores(project.db, trials, sweep.spec.constraints);
    const front = new Set(paretoFront(scores, sweep.spec.objectives).map((score) => score.trialId));
    const byTrial = new Map(scores.map((score) => [score.trialId, score]));
    const history = earlierAttempts(project.db, sweep.id);
    return {
      ...info(project, sweep),
      spec: sweep.spec,
      trials: trials.map((trial) => {
        const score = byTrial.get(trial.id);
        return {
          ...trial,
          earlierAttempts: history.get(trial.id) ?? [],
          valAccuracy: score?.valAccuracy ?? null,
          testAccuracy: score?.testAccuracy ?? null,
          gzipKb: score?.gzipKb ?? null,
          latencyMs: score?.latencyMs ?? null,
          int8Accuracy: score?.int8Accuracy ?? null,
          int8ZlibKb: score?.int8ZlibKb ?? null,
          int8LatencyMs: score?.int8LatencyMs ?? null,
          meetsConstraints: score?.meetsConstraints ?? true,
          pareto: front.has(trial.id),
        };
      }),
    };
  };

  return {
    async presets() {
      return loadPresets('sweeps', parseSweepSpec);
    },

    async check({ spec }) {
      const result = sweepSpecSchema.safeParse(spec);
      const { slots } = sweepParallelism();
      if (result.success) {
        const sweep = result.data as SweepSpec;
        const project = session.current;
        let etaSeconds: number | null = null;
        let warnings: string[] = [];
        try {
          etaSeconds = project ? await estimateSweepSeconds(project.db, sweep, slots) : null;
          warnings = project ? await sweepWarningsFor(project.db, sweep) : [];
        } catch {
          // A spec that cannot be expanded (a range on a grid axis) says so when it starts; the estimate and warnings just stay off.
        }
        return { trials: sweepTrialCount(sweep), problems: [], warnings, etaSeconds, slots };
      }
      const problems = result.error.issues.map((issue) =>
        issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
      );
      let trials = 0;
      try {
        trials = sweepTrialCount(spec as SweepSpec);
      } catch {
        // The count needs a spec shaped well enough to count.
      }
      return { trials, problems, warnings: [], etaSeconds: null, slots };
    },

    async startSweep({ spec, queueUrl }) {
      const project = session.require();
      let sweepId: string;
      try {
        if (queueUrl) await checkRedis(queueUrl);
        sweepId = startSweep(project, spec, { queueUrl: queueUrl ?? null });
      } catch (error) {
        throw new StudioError('invalid_input', error instanceof Error ? error.message : String(error));
      }
      // Queued, not yet training: what would waste trials is known before the first one runs.
      // The spec has expanded by now; warnings are advice, so a failure to work them out only leaves them off.
      const warnings = await sweepWarningsFor(project.db, spec).catch(() => []);
      void launch(project, sweepId);
      return { ...info(project, requireSweep(project, sweepId)), warnings };
    },

    async runSweep({ sweepId }) {
      const project = session.require();
      requireSweep(project, sweepId);
      const running = schedulers.get(sweepId)?.isStopping === false ? finishing.get(sweepId) : undefined;
      await (running ?? launch(project, sweepId));
      return detail(project, requireSweep(project, sweepId));
    },

    async addTrials({ sweepId, spec }) {
      const project = session.require();
      let added: number;
      try {
        added = extendSweep(project, sweepId, spec);
      } catch (error) {
        throw new StudioError('invalid_input', error instanceof Error ? error.message : String(error));
      }
      const scheduler = schedulers.get(sweepId);
      if (scheduler && !scheduler.isStopping) scheduler.notify();
      else if (added > 0 && requireSweep(project, sweepId).status === 'done') {
        setSweepStatus(project.db, sweepId, 'running');
        void launch(project, sweepId);
      }
      return { added, sweep: info(project, requireSweep(project, sweepId)) };
    },

    async pauseSweep({ sweepId, reason }) {
      const scheduler = schedulers.get(sweepId);
      if (!scheduler) throw new StudioError('not_found', `Sweep ${sweepId} is not running.`);
      scheduler.stop('paused', reason);
    },

    async resumeSweep({ sweepId }) {
      const project = session.require();
      const sweep = requireSweep(project, sweepId);
      if (sweep.status === 'done' || sweep.status === 'cancelled')
        throw new StudioError('invalid_input', `Sweep ${sweepId} has ended (${sweep.status}).`);
      if (schedulers.get(sweepId)?.isStopping === false) return;
      void launch(project, sweepId);
    },

    async cancelSweep({ sweepId }) {
      const project = session.require();
      requireSweep(project, sweepId);
      const scheduler = schedulers.get(sweepId);
      if (scheduler) scheduler.stop('cancelled');
      else setSweepStatus(project.db, sweepId, 'cancelled');
    },

    async listSweeps() {
      const project = session.require();
      return listSweeps(project.db).map((sweep) => info(project, sweep));
    },

    async getSweep({ sweepId }) {
      const project = session.require();
      return detail(project, requireSweep(project, sweepId));
    },

    onDidProgress: progress.event,

    resumeUnfinished(project) {
      for (const sweep of listSweeps(project.db)) if (sweep.status === 'running') void launch(project, sweep.id);
    },

    dispose() {
      for (const scheduler of schedulers.values()) void scheduler.dispose();
      schedulers.clear();
    },
  };
}
