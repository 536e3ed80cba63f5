import type { Command } from 'commander';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { parseSweepSpec } from '../../src-shared/contract/sweepSpecSchema.ts';
import type { SweepProgressEvent } from '../../src-shared/model/Sweep.ts';
import type { StudioServices } from '../services/createServices.ts';
import { EXIT } from './exitCodes.ts';
import { progressLine } from './progressLine.ts';
import { resolveSpec } from './resolveSpec.ts';
import { stopOnSignals } from './stopOnSignals.ts';

/** `kws-studio sweep`: runs (or resumes) a sweep in the foreground and prints its leaderboard. */
export function addSweepCommand(program: Command, studio: StudioServices): void {
  const { project, sweeps } = studio.services;
  program
    .command('sweep [spec]')
    .description(
      'Run a sweep (grid, random or successive halving) over a base train spec, trials in parallel worker processes; --resume continues an interrupted one.',
    )
    .requiredOption('--project <dir>', 'the project')
    .option(
      '--preset <id>',
      'a sweep from resources/presets/sweeps (edge-go-stop-grid, edge-go-stop-int8, mfcc-grid, pruning-grid)',
    )
    .option('--resume [sweepId]', 'continue a sweep that was interrupted (default: the latest unfinished one)')
    .option(
      '--redis <url>',
      'queue the trials on Redis for `kws-studio worker` processes (this or other machines) instead of training them here',
    )
    .option('--json', 'print the leaderboard and Pareto front as JSON')
    .action(
      async (
        specFile: string | undefined,
        options: { project: string; preset?: string; resume?: string | boolean; redis?: string; json?: boolean },
      ) => {
        await project.open({ path: options.project });
        let sweepId = '';
        const showProgress = progressLine(options.json, (progress) => progress.message);
        const unsubscribe = sweeps.onDidProgress((progress) => {
          if (progress.sweepId !== sweepId) return;
          showProgress({
            taskId: sweepId,
            title: 'sweep',
            state: progress.status === 'running' ? 'running' : 'done',
            done: progress.done + progress.failed,
            total: Math.max(1, progress.total),
            message: sweepLine(progress),
          });
        });
        if (options.resume) {
          // The latest unfinished one (listSweeps is newest first); a named one that does not exist, runSweep refuses.
          sweepId =
            typeof options.resume === 'string'
              ? options.resume
              : ((await sweeps.listSweeps()).find((sweep) => sweep.status === 'running')?.id ?? '');
          if (!sweepId) throw new StudioError('not_found', 'There is no unfinished sweep to resume.');
        } else {
          if (!specFile && !options.preset)
            throw new StudioError('invalid_input', 'Give a sweep spec file, --preset ID, or --resume.');
          const spec = await resolveSpec(
            { spec: specFile, preset: options.preset },
            'sweep',
            parseSweepSpec,
            () => sweeps.presets(),
            '',
          );
          const started = await sweeps.startSweep({ spec, queueUrl: options.redis });
          sweepId = started.id;
          for (const warning of started.warnings) console.error(`warning: ${warning}`);
        }
        const ended = sweeps.runSweep({ sweepId });
        // Trials training here end interrupted, naming the signal; the sweep starts no more and pauses.
        const stopping = stopOnSignals(
          (signal) => void sweeps.pauseSweep({ sweepId, reason: `stopped by ${signal}` }).catch(() => undefined),
        );
        let sweep: Awaited<typeof ended>;
        try {
          sweep = await ended;
        } finally {
          stopping.dispose();
          unsubscribe();
        }
        const { status, trials } = sweep;
        // The trials that finished with a run to score, best validation accuracy first.
        const scores = trials
          .filter((trial) => trial.runId !== null && trial.valAccuracy !== null)
          .map((trial) => ({
            trialId: trial.id,
            config: trial.config,
            rung: trial.rung,
            runId: trial.runId!,
            overrides: trial.overrides,
            valAccuracy: trial.valAccuracy,
            testAccuracy: trial.testAccuracy,
            gzipKb: trial.gzipKb,
            latencyMs: trial.latencyMs,
            int8Accuracy: trial.int8Accuracy,
            int8ZlibKb: trial.int8ZlibKb,
            int8LatencyMs: trial.int8LatencyMs,
            meetsConstraints: trial.meetsConstraints,
            pareto: trial.pareto,
          }))
          .sort((a, b) => (b.valAccuracy ?? 0) - (a.valAccuracy ?? 0));
        if (options.json) {
          console.log(
            JSON.stringify(
              {
                sweep_id: sweepId,
                status,
                trials: trials.length,
                done: trials.filter((t) => t.status === 'done').length,
                failed: trials.filter((t) => t.status === 'failed').length,
                leaderboard: scores,
              },
              null,
              2,
            ),
          );
        } else {
          console.log(`sweep ${sweepId}: ${status}, ${trials.length} trials`);
          const int8 = scores.some((score) => score.int8ZlibKb !== null);
          const int8Header = int8 ? `  ${'int8 acc'.padStart(8)}  ${'int8 KB'.padStart(8)}` : '';
          console.log(
            `${'#'.padStart(3)}  ${'val acc'.padStart(8)}  ${'test acc'.padStart(8)}  ${'gzip KB'.padStart(8)}  ${'latency'.padStart(8)}${int8Header}  pareto  settings`,
          );
          for (const score of scores) {
            const settings = Object.entries(score.overrides)
              .map(([key, value]) => `${key.split('.').at(-1)}=${JSON.stringify(value)}`)
              .join(' ');
            console.log(
              `${String(score.trialId + 1).padStart(3)}  ${pct(score.valAccuracy).padStart(8)}  ${pct(score.testAccuracy).padStart(8)}  ${(score.gzipKb ?? 0).toFixed(1).padStart(8)}  ${`${(score.latencyMs ?? 0).toFixed(2)} ms`.padStart(8)}${int8 ? `  ${pct(score.int8Accuracy).padStart(8)}  ${(score.int8ZlibKb ?? 0).toFixed(1).padStart(8)}` : ''}  ${score.pareto ? '  *   ' : '      '}  ${settings}${score.meetsConstraints ? '' : ' (fails constraints)'}`,
            );
          }
        }
        if (status === 'paused') process.exitCode = stopping.exitCode ?? EXIT.cancelled;
        else if (trials.some((trial) => trial.status === 'failed')) process.exitCode = EXIT.failure;
      },
    );
}

function pct(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

function sweepLine(progress: SweepProgressEvent): string {
  const parts = [`${progress.done}/${progress.total} done`, `${progress.running} running`];
  if (progress.failed) parts.push(`${progress.failed} failed`);
  if (progress.bestValAccuracy !== null) parts.push(`best ${(progress.bestValAccuracy * 100).toFixed(1)} %`);
  if (progress.etaSeconds !== null) parts.push(`eta ${Math.round(progress.etaSeconds)}s`);
  return parts.join(' · ');
}
