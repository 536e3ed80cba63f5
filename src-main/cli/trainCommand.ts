import { Option, type Command } from 'commander';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { DEFAULT_TRAIN_PRESET_ID } from '../../src-shared/contract/TrainingService.ts';
import { parseTrainSpec } from '../../src-shared/contract/trainSpecSchema.ts';
import type { TrainingProgress } from '../../src-shared/model/Run.ts';
import { relativeSchedule } from '../../src-shared/training/relativeSchedule.ts';
import { totalStepsOf } from '../../src-shared/training/totalStepsOf.ts';
import type { StudioServices } from '../services/createServices.ts';
import { numberOption } from './numberOption.ts';
import { RANGE } from './optionRanges.ts';
import { progressLine } from './progressLine.ts';
import { reportInterrupted } from './reportInterrupted.ts';
import { resolveSpec } from './resolveSpec.ts';
import { stopOnSignals } from './stopOnSignals.ts';
import { trainingLine } from './trainingLine.ts';

/** `kws-studio train`: one run in a worker process, in the foreground, and its summary. */
export function addTrainCommand(program: Command, studio: StudioServices): void {
  const { project, training, runs } = studio.services;
  const resolveTrainSpec = (options: { spec?: string; preset?: string }) =>
    resolveSpec(options, 'train', parseTrainSpec, () => training.presets(), DEFAULT_TRAIN_PRESET_ID);
  program
    .command('train')
    .description(
      "Train a model on the project's clips in a worker process and record the run (spec format: docs/train-spec.md).",
    )
    .requiredOption('--project <dir>', 'the project')
    .addOption(new Option('--spec <file>', 'a TrainSpec JSON file').conflicts('preset'))
    .addOption(
      new Option(
        '--preset <id>',
        `a train preset from resources/presets/train (default: ${DEFAULT_TRAIN_PRESET_ID}, about a minute on the demo)`,
      ),
    )
    .option(
      '--epochs <n>',
      "override the spec's epochs (and a piecewise schedule's length, scaled to fit)",
      numberOption('--epochs', RANGE.epochs),
    )
    .option('--json', 'print the run summary as JSON')
    .action(async (options: { project: string; spec?: string; preset?: string; epochs?: number; json?: boolean }) => {
      await project.open({ path: options.project });
      let spec = await resolveTrainSpec(options);
      if (options.epochs !== undefined) {
        // Stages in steps would ignore the epochs: as shares of the run they keep their shape over the new length.
        const schedule =
          spec.schedule.kind === 'piecewise'
            ? relativeSchedule(spec.schedule, totalStepsOf(spec.schedule, spec.epochs, 0))
            : spec.schedule;
        spec = { ...spec, epochs: options.epochs, schedule };
      }
      for (const warning of await training.warnings({ spec })) console.error(`warning: ${warning}`);
      const showProgress = progressLine(options.json, (progress) => progress.message);
      let runId = '';
      const finished = new Promise<TrainingProgress>((resolve) => {
        training.onDidProgress((progress) => {
          if (progress.runId !== runId) return;
          if (progress.status === 'running') {
            showProgress({
              taskId: runId,
              title: 'train',
              state: 'running',
              done: Math.max(progress.step, 0),
              total: Math.max(progress.steps, 1),
              message: trainingLine(progress),
            });
          } else resolve(progress);
        });
      });
      runId = (await training.startRun({ spec })).id;
      const stopping = stopOnSignals((signal) => void training.cancelRun({ runId, reason: `stopped by ${signal}` }));
      const end = await finished;
      stopping.dispose();
      showProgress({ taskId: runId, title: 'train', state: 'done', done: 1, total: 1, message: end.message });
      if (reportInterrupted(runId, options.project, end, stopping)) return;
      const run = await runs.getRun({ runId });
      if (end.status !== 'done' || !run.summary) {
        throw new StudioError(
          end.status === 'cancelled' ? 'cancelled' : 'internal',
          `Run ${runId} ${end.status}: ${run.error ?? end.message}`,
        );
      }
      const summary = run.summary;
      const flat = {
        run_id: runId,
        test_accuracy: summary.testAccuracy,
        validation_accuracy: summary.validationAccuracy,
        params: summary.model.params,
        macs: summary.model.macs,
        size_bytes: summary.model.sizeBytes,
        gzip_bytes: summary.model.gzipBytes,
        sparsity: summary.model.sparsity,
        latency_ms: summary.latencyMs,
        train_seconds: summary.trainSeconds,
        train_samples_per_s: summary.trainSamplesPerSecond,
        epochs: summary.epochs,
        steps: summary.steps,
        stopped_early: summary.stoppedEarly,
        classes: summary.classes,
        per_class: summary.perClass,
        confusion: summary.confusion,
      };
      if (options.json) {
        console.log(JSON.stringify(flat, null, 2));
        return;
      }
      const rows: [string, string][] = [
        ['run', runId],
        ['test accuracy', `${(summary.testAccuracy * 100).toFixed(2)} %`],
        ['validation accuracy', `${(summary.validationAccuracy * 100).toFixed(2)} %`],
        ['parameters', summary.model.params.toLocaleString('en-US')],
        ['MACs', summary.model.macs.toLocaleString('en-US')],
        [
          'size (float32)',
          `${(summary.model.sizeBytes / 1024).toFixed(1)} KiB (gzip ${(summary.model.gzipBytes / 1024).toFixed(1)} KiB)`,
        ],
        ['sparsity', `${(summary.model.sparsity * 100).toFixed(1)} %`],
        ['latency (features + model)', `${summary.latencyMs.toFixed(2)} ms`],
        [
          'training',
          `${summary.trainSeconds.toFixed(1)} s, ${summary.trainSamplesPerSecond.toFixed(0)} samples/s, ${summary.epochs} epochs${summary.stoppedEarly ? ' (stopped early)' : ''}`,
        ],
      ];
      for (const [key, value] of rows) console.log(`${key.padEnd(28)} ${value}`);
      console.log('\nclass'.padEnd(17) + 'precision  recall     f1  support');
      for (const item of summary.perClass) {
        console.log(
          `${item.label.padEnd(16)}${item.precision.toFixed(3).padStart(9)}${item.recall.toFixed(3).padStart(8)}${item.f1.toFixed(3).padStart(7)}${String(item.support).padStart(9)}`,
        );
      }
    });
}
