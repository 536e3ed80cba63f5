import path from 'node:path';
import { Option, type Command } from 'commander';
import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';
import { parseFeatureSpec } from '../../src-shared/contract/featureSpecSchema.ts';
import type { StudioServices } from '../services/createServices.ts';
import { numberOption } from './numberOption.ts';
import { RANGE } from './optionRanges.ts';
import { progressLine } from './progressLine.ts';
import { resolveSpec } from './resolveSpec.ts';

/** `kws-studio features extract|cache|presets|export`. */
export function addFeaturesCommands(program: Command, studio: StudioServices): void {
  const { project, features } = studio.services;
  const resolveFeatureSpec = (options: { spec?: string; preset?: string }) =>
    resolveSpec(options, 'feature', parseFeatureSpec, () => features.presets(), 'log-mel-40');
  /** Runs a feature task with its progress line; Ctrl+C cancels it through the service (it keeps what it cached). */
  const featureTask = async <T>(show: (progress: TaskProgress) => void, run: () => Promise<T>): Promise<T> => {
    let taskId: string | undefined;
    const unsubscribe = features.onDidProgress((progress) => {
      taskId = progress.state === 'running' ? progress.taskId : undefined;
      show(progress);
    });
    const onSigint = () => {
      if (taskId) void features.cancelTask({ taskId }).catch(() => undefined);
    };
    process.once('SIGINT', onSigint);
    try {
      return await run();
    } finally {
      process.off('SIGINT', onSigint);
      unsubscribe();
    }
  };
  const featuresCommand = program
    .command('features')
    .description('Compute and cache features (MFCC, log-mel, spectrogram) for a project.');
  featuresCommand
    .command('extract')
    .description("Compute the features of every clip under a preset or spec file, through the project's feature cache.")
    .requiredOption('--project <dir>', 'the project')
    .addOption(new Option('--preset <id>', 'a feature preset (see `kws-studio features presets`)').conflicts('spec'))
    .addOption(new Option('--spec <file>', 'a FeatureSpec JSON file'))
    .option('--threads <n>', 'worker threads (default: one per core)', numberOption('--threads', RANGE.threads))
    .option('--float16', 'store newly computed features as float16 (half the disk; ~3 significant digits)')
    .option('--json', 'print the report as JSON')
    .action(
      async (options: {
        project: string;
        preset?: string;
        spec?: string;
        threads?: number;
        float16?: boolean;
        json?: boolean;
      }) => {
        await project.open({ path: options.project });
        const spec = await resolveFeatureSpec(options);
        const report = await featureTask(
          progressLine(options.json, (progress) => `${progress.done}/${progress.total} clips`),
          () => features.extractAll({ spec, threads: options.threads, float16: options.float16 }),
        );
        const status = report.cache;
        if (options.json) {
          console.log(JSON.stringify(report, null, 2));
          return;
        }
        console.log(`clips=${report.clips}`);
        console.log(`from_cache=${report.fromCache}`);
        console.log(`computed=${report.computed}`);
        console.log(`failed=${report.failed.length}`);
        for (const item of report.failed.slice(0, 20)) console.log(`  failed: clip ${item.clipId}: ${item.reason}`);
        console.log(`hit_rate=${status.hitRate === null ? 'n/a' : status.hitRate.toFixed(3)}`);
        console.log(`cache_entries=${status.entries}`);
        console.log(`cache_mb=${(status.bytes / 2 ** 20).toFixed(1)}`);
        console.log(`seconds=${report.seconds.toFixed(1)}`);
      },
    );
  featuresCommand
    .command('cache')
    .description("Show (or clear) the project's feature cache.")
    .requiredOption('--project <dir>', 'the project')
    .option('--clear', 'delete every cached feature file')
    .option('--json', 'print JSON')
    .action(async (options: { project: string; clear?: boolean; json?: boolean }) => {
      await project.open({ path: options.project });
      const status = options.clear ? await features.clearCache() : await features.cacheStatus();
      if (options.json) console.log(JSON.stringify(status, null, 2));
      else {
        console.log(`cache_entries=${status.entries}`);
        console.log(`cache_mb=${(status.bytes / 2 ** 20).toFixed(1)}`);
        console.log(`cap_mb=${(status.capBytes / 2 ** 20).toFixed(0)}`);
      }
    });
  featuresCommand
    .command('export')
    .description(
      "Write a finished run's exact model inputs for one split: features.npy (float32, N×frames×bins, normalized as the run did) and labels.json.",
    )
    .requiredOption('--project <dir>', 'the project')
    .requiredOption('--run <runId>', 'a finished run')
    .addOption(new Option('--split <split>', 'which split').choices(['train', 'validation', 'test']).default('test'))
    .requiredOption('--out <dir>', 'the folder: created if missing (its parent must exist), or an empty folder')
    .option('--force', 'write into a folder that holds files: replaces features.npy and labels.json, leaves the rest')
    .option(
      '--limit <n>',
      'at most this many examples, spread evenly over each class (e.g. a calibration set)',
      numberOption('--limit', RANGE.examples),
    )
    .option('--json', 'print what was written as JSON')
    .action(
      async (options: {
        project: string;
        run: string;
        split: 'train' | 'validation' | 'test';
        out: string;
        force?: boolean;
        limit?: number;
        json?: boolean;
      }) => {
        await project.open({ path: options.project });
        const result = await featureTask(
          progressLine(options.json, (progress) => progress.message),
          () =>
            features.exportModelInputs({
              runId: options.run,
              split: options.split,
              directory: path.resolve(options.out),
              overwrite: options.force,
              limit: options.limit,
            }),
        );
        if (options.json) {
          console.log(JSON.stringify(result, null, 2));
          return;
        }
        console.log(`directory=${result.directory}`);
        console.log(`count=${result.count}`);
        console.log(`shape=${result.shape.join('x')}`);
        console.log(`normalization=${result.normalization}`);
        for (const file of result.files) console.log(`file=${file.path} bytes=${file.bytes}`);
      },
    );
  featuresCommand
    .command('presets')
    .description('List the feature presets.')
    .option('--json', 'print the presets with their full specs as JSON')
    .action(async (options: { json?: boolean }) => {
      const presets = await features.presets();
      if (options.json) console.log(JSON.stringify(presets, null, 2));
      else for (const preset of presets) console.log(`${preset.id}\t${preset.description}`);
    });
}
