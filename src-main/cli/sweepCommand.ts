import type { Command } from 'commander';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { parseSweepSpec } from '../../src-shared/contract/sweepSpecSchema.ts';
import type { StudioServices } from '../services/createServices.ts';
import { loadPresets } from '../services/features/loadFeaturePresets.ts';
import { checkRedis } from '../services/sweeps/queue/trialQueue.ts';
import { startSweep } from '../services/sweeps/startSweep.ts';
import { SweepScheduler, type SweepProgress } from '../services/sweeps/SweepScheduler.ts';
import { getSweep, listTrials, unfinishedSweeps } from '../services/sweeps/sweepStore.ts';
import { sweepWarningsFor } from '../services/sweeps/sweepWarningsFor.ts';
import { paretoFront, trialScores } from '../services/sweeps/trialScores.ts';
import { interruptTrainingHere } from '../services/training/TrainingRunner.ts';
import { EXIT } from './exitCodes.ts';
import { progressLine } from './progressLine.ts';
import { resolveSpec } from './resolveSpec.ts';
import { stopOnSignals } from './stopOnSignals.ts';

/** `kws-studio sweep`: runs (or resumes) a sweep in the foreground and prints its leaderboard. */
export function addSweepCommand(program: Command, studio: StudioServices): void {
  const { project } = studio.services;
  program
    .command('sweep [spec]')
    .description('Run a sweep (grid, random or successive halving) over a base train spec, trials in parallel worker processes; --resume continues an interrupted one.')
    .requiredOption('--project <dir>', 'the project')
    .option('--preset <id>', 'a sweep from resources/presets/sweeps (edge-go-stop-grid, mfcc-grid, pruning-grid)')
    .option('--resume [sweepId]', 'continue a sweep that was interrupted (default: the latest unfinished one)')
    .option('--redis <url>', 'queue the trials on Redis for `kws-studio worker` processes (this or other machines) instead of training them here')
    .option('--json', 'print the leaderboard and Pareto front as JSON')
    .action(async (specFile: string | undefined, options: { project: string; preset?: string; resume?: string | boolean; redis?: string; json?: boolean }) => {
      await project.open({ path: options.project });
      const open = studio.session.require();
      let sweepId: string;
      if (options.resume) {
        const unfinished = unfinishedSweeps(open.db);
        sweepId = typeof options.resume === 'string' ? options.resume : (unfinished.at(-1) ?? '');
        if (!sweepId || !getSweep(open.db, sweepId)) throw new StudioError('not_found', typeof options.resume === 'string' ? `There is no sweep ${options.resume} in this project.` : 'There is no unfinished sweep to resume.');
      } else {
        if (!specFile && !options.preset) throw new StudioError('invalid_input', 'Give a sweep spec file, --preset ID, or --resume.');
        const spec = await resolveSpec({ spec: specFile, preset: options.preset }, 'sweep', parseSweepSpec, async () => loadPresets('sweeps', parseSweepSpec), '');
        if (options.redis) await checkRedis(options.redis).catch((error: Error) => Promise.reject(new StudioError('invalid_input', error.message)));
        try {
          sweepId = startSweep(open, spec, { queueUrl: options.redis ?? null });
        } catch (error) {
          throw new StudioError('invalid_input', error instanceof Error ? error.message : String(error));
        }
        // Queued, not yet training: what would waste trials is said before the first one runs.
        for (const warning of await sweepWarningsFor(open.db, spec)) console.error(`warning: ${warning}`);
      }
      const showProgress = progressLine(options.json, (progress) => progress.message);
      const scheduler = new SweepScheduler(open, sweepId, (progress) =>
        showProgress({ taskId: sweepId, title: 'sweep', state: progress.status === 'running' ? 'running' : 'done', done: progress.done + progress.failed, total: Math.max(1, progress.total), message: sweepLine(progress) }),
      );
      // Trials training here end interrupted, naming the signal; the scheduler starts no more and pauses.
      const stopping = stopOnSignals((signal) => {
        void interruptTrainingHere(`stopped by ${signal}`);
        scheduler.stop('paused');
      });
      const status = await scheduler.run();
      stopping.dispose();
      await scheduler.dispose();
      const sweep = getSweep(open.db, sweepId)!;
      const trials = listTrials(open.db, sweepId);
      const scores = trialScores(open.db, trials, sweep.spec.constraints).sort((a, b) => (b.valAccuracy ?? 0) - (a.valAccuracy ?? 0));
      const front = new Set(paretoFront(scores, sweep.spec.objectives).map((score) => score.trialId));
      if (options.json) {
        console.log(JSON.stringify({ sweep_id: sweepId, status, trials: trials.length, done: trials.filter((t) => t.status === 'done').length, failed: trials.filter((t) => t.status === 'failed').length, leaderboard: scores.map((score) => ({ ...score, pareto: front.has(score.trialId) })) }, null, 2));
      } else {
        console.log(`sweep ${sweepId}: ${status}, ${trials.length} trials`);
        console.log(`${'#'.padStart(3)}  ${'val acc'.padStart(8)}  ${'test acc'.padStart(8)}  ${'gzip KB'.padStart(8)}  ${'latency'.padStart(8)}  pareto  settings`);
        for (const score of scores) {
          const settings = Object.entries(score.overrides).map(([key, value]) => `${key.split('.').at(-1)}=${JSON.stringify(value)}`).join(' ');
          console.log(
            `${String(score.trialId + 1).padStart(3)}  ${pct(score.valAccuracy).padStart(8)}  ${pct(score.testAccuracy).padStart(8)}  ${(score.gzipKb ?? 0).toFixed(1).padStart(8)}  ${`${(score.latencyMs ?? 0).toFixed(2)} ms`.padStart(8)}  ${front.has(score.trialId) ? '  *   ' : '      '}  ${settings}${score.meetsConstraints ? '' : ' (fails constraints)'}`,
          );
        }
      }
      if (status === 'paused') process.exitCode = stopping.exitCode ?? EXIT.cancelled;
      else if (trials.some((trial) => trial.status === 'failed')) process.exitCode = EXIT.failure;
    });
}

function pct(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

function sweepLine(progress: SweepProgress): string {
  const parts = [`${progress.done}/${progress.total} done`, `${progress.running} running`];
  if (progress.failed) parts.push(`${progress.failed} failed`);
  if (progress.best?.valAccuracy != null) parts.push(`best ${(progress.best.valAccuracy * 100).toFixed(1)} %`);
  if (progress.etaSeconds !== null) parts.push(`eta ${Math.round(progress.etaSeconds)}s`);
  return parts.join(' · ');
}
