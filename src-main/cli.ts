import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { createDispatcher } from '../src-shared/contract/dispatch.ts';
import { StudioError, type StudioErrorCode } from '../src-shared/contract/StudioError.ts';
import { parseFeatureSpec } from '../src-shared/contract/featureSpecSchema.ts';
import type { TrainingProgress } from '../src-shared/model/Run.ts';
import type { RunCondition, RunScope, RunSort, RunValue } from '../src-shared/model/RunQuery.ts';
import { parseRunFilter } from '../src-shared/compare/parseRunFilter.ts';
import { parseTrainSpec, trainSpecSchema } from '../src-shared/contract/trainSpecSchema.ts';
import { DEFAULT_TRAIN_PRESET_ID } from '../src-shared/contract/TrainingService.ts';
import { parseSweepSpec } from '../src-shared/contract/sweepSpecSchema.ts';
import type { ImportReport } from '../src-shared/model/ImportReport.ts';
import type { ProjectInfo } from '../src-shared/model/ProjectInfo.ts';
import type { TaskProgress } from '../src-shared/model/TaskProgress.ts';
import { fsddPattern } from '../src-shared/model/fileNamePattern.ts';
import { relativeSchedule } from '../src-shared/training/relativeSchedule.ts';
import { totalStepsOf } from '../src-shared/training/totalStepsOf.ts';
import { numberOption, type NumberRange } from './cli/numberOption.ts';
import { stopOnSignals, type SignalStop } from './cli/stopOnSignals.ts';
import { startServeHost } from './host/startServeHost.ts';
import { appVersion } from './services/appVersion.ts';
import { studioHome } from './services/appPaths.ts';
import { createServices } from './services/createServices.ts';
import { FeatureCache } from './services/features/FeatureCache.ts';
import { extractProjectFeatures } from './services/features/extractProjectFeatures.ts';
import { featureSpecHash } from './services/features/featureSpecHash.ts';
import { loadPresets } from './services/features/loadFeaturePresets.ts';
import { removeStagedUploads } from './services/project/uploadStaging.ts';
import { checkRedis } from './services/sweeps/queue/trialQueue.ts';
import { startTrialWorker } from './services/sweeps/queue/startTrialWorker.ts';
import { startSweep } from './services/sweeps/startSweep.ts';
import { SweepScheduler, type SweepProgress } from './services/sweeps/SweepScheduler.ts';
import { getSweep, listTrials, unfinishedSweeps } from './services/sweeps/sweepStore.ts';
import { paretoFront, trialScores } from './services/sweeps/trialScores.ts';
import { sweepWarningsFor } from './services/sweeps/sweepWarningsFor.ts';
import { trainWarningsFor } from './services/training/trainWarningsFor.ts';
import { asCorruption, isCorruption } from './store/openProjectDatabase.ts';
import { interruptTrainingHere } from './services/training/TrainingRunner.ts';

/** Exit codes scripts can rely on; a training command a signal stopped exits with 128 + the signal's number (stopOnSignals). */
const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3, incompatible: 4, cancelled: 130 } as const;
const exitCodeFor: Partial<Record<StudioErrorCode, number>> = {
  invalid_input: EXIT.usage,
  unknown_channel: EXIT.usage,
  not_found: EXIT.notFound,
  not_a_project: EXIT.notFound,
  no_project: EXIT.notFound,
  project_exists: EXIT.usage,
  project_too_new: EXIT.incompatible,
  project_corrupt: EXIT.incompatible,
  cancelled: EXIT.cancelled,
};

/** The allowed values of every numeric option; the train spec's own limits where an option sets a spec field. */
const schemaRange = (field: { minValue: number | null; maxValue: number | null; isInt: boolean }): NumberRange => ({
  whole: field.isInt,
  min: field.minValue ?? -Infinity,
  max: field.maxValue ?? undefined,
});
const RANGE = {
  epochs: schemaRange(trainSpecSchema.shape.epochs),
  seed: schemaRange(trainSpecSchema.shape.seed),
  // generateDemoDataset's own limit.
  clipsPerWord: { whole: true, min: 1, max: 10_000 },
  port: { whole: true, min: 0, max: 65_535 },
  percent: { whole: false, min: 0, max: 100 },
  threads: { whole: true, min: 1, max: 1024 },
  stallSeconds: { whole: false, min: 1, max: 86_400 },
  offset: { whole: true, min: 0 },
  // The runs service pages at most this many rows at a time.
  limit: { whole: true, min: 1, max: 10_000 },
} satisfies Record<string, NumberRange>;

const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out');
const studio = createServices({ home: studioHome() });
const { project, system, features, training, runs } = studio.services;

// Set before any command is added, so every subcommand inherits them: commander's usage errors
// throw (caught at the end of this file) instead of exiting, and print in the CLI's own voice.
const program = new Command('kws-studio')
  .description('KWS Studio: curate, train, sweep, compare and export keyword-spotting models, offline.')
  .version(appVersion)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`kws-studio: ${text.replace(/^error: /, '')}`) })
  .showHelpAfterError('(add --help for usage)')
  .addHelpText(
    'after',
    `\nExit codes: 0 ok, 1 failure, 2 bad usage or input, 3 not found / not a project, 4 project from a newer studio or damaged, 130 cancelled.`,
  );

program
  .command('doctor')
  .description('Check this installation: TensorFlow backend, SQLite, Electron. Prints one key=value line per fact.')
  .option('--json', 'print the facts as JSON')
  .action(async (options: { json?: boolean }) => {
    const { facts } = await system.diagnostics();
    if (options.json) console.log(JSON.stringify({ facts }, null, 2));
    else {
      for (const fact of facts) console.log(`${fact.key}=${fact.value}`);
      for (const fact of facts.filter((item) => item.advice)) {
        console.error(`${fact.status === 'error' ? 'ERROR' : 'note'}: ${fact.key}: ${fact.advice}`);
      }
    }
    if (facts.some((fact) => fact.status === 'error')) process.exitCode = EXIT.failure;
  });

program
  .command('demo')
  .description('Create the demo project: ten keywords synthesized offline, unknown words and background noise.')
  .option('--out <dir>', 'where to create it (default: the studio\'s demo folder)')
  .option('--seed <n>', 'random seed; the same seed gives the same bytes', numberOption('--seed', RANGE.seed), 1)
  .option('--clips-per-word <n>', 'clips per keyword', numberOption('--clips-per-word', RANGE.clipsPerWord), 60)
  .option('--json', 'print the project as JSON')
  .action(async (options: { out?: string; seed: number; clipsPerWord: number; json?: boolean }) => {
    const unsubscribe = project.onDidProgress(progressLine(options.json, (progress) => progress.message));
    const info = await project.createDemo({ path: options.out, seed: options.seed, clipsPerWord: options.clipsPerWord });
    unsubscribe();
    printProject(info, options.json);
  });

program
  .command('serve')
  .description('Serve the studio to a browser on 127.0.0.1 (a new secret token every launch).')
  .option('--project <dir>', 'open this project')
  .option('--demo', 'open the demo project, creating it first if needed')
  .option('--port <n>', 'port (default: a free one)', numberOption('--port', RANGE.port), 0)
  .action(async (options: { project?: string; demo?: boolean; port: number }) => {
    const staticDir = path.join(outDir, 'renderer');
    if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
      throw new StudioError('not_found', `The user interface is not built (${staticDir}). Run: npm run build`);
    }
    studio.resumeSweepsOnOpen();
    if (options.project) await project.open({ path: options.project });
    const host = await startServeHost({ dispatcher: createDispatcher(studio.services), staticDir, port: options.port });
    console.log(`KWS Studio is running. Open this URL in a browser (it carries this launch's secret token):\n\n  ${host.url}\n`);
    console.log('Press Ctrl+C to stop.');
    if (options.demo) {
      // The page is usable at once; it switches to the demo project when it is ready.
      const unsubscribe = project.onDidProgress(process.stderr.isTTY ? progressLine(false, (progress) => progress.message) : progressSteps('Creating the demo project'));
      project.createDemo({}).then(
        (info) => console.log(`Demo project ready: ${info.clipCount} clips in ${info.path}`),
        (error: unknown) => console.error(`kws-studio: the demo project could not be created: ${error instanceof Error ? error.message : String(error)}`),
      ).finally(unsubscribe);
    }
    const stop = async () => {
      let code: number = EXIT.ok;
      try {
        await host.close();
        studio.dispose();
      } catch (error) {
        console.error(`kws-studio: serve mode did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
        code = EXIT.failure;
      }
      // Drops staged from the browser that no import took yet, or that one was reading: nothing will read them now.
      removeStagedUploads();
      process.exit(code);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('SIGHUP', stop);
    await new Promise(() => undefined);
  });

const projectCommand = program.command('project').description('Create, open and inspect projects.');
projectCommand
  .command('create <dir>')
  .description('Create an empty project in a new or empty folder.')
  .option('--name <name>', 'display name (default: the folder name)')
  .option('--json', 'print the project as JSON')
  .action(async (dir: string, options: { name?: string; json?: boolean }) => {
    printProject(await project.create({ path: dir, name: options.name }), options.json);
  });
projectCommand
  .command('open <dir>')
  .description('Open a project (applying pending migrations) and add it to the recent list.')
  .option('--json', 'print the project as JSON')
  .action(async (dir: string, options: { json?: boolean }) => {
    printProject(await project.open({ path: dir }), options.json);
  });
projectCommand
  .command('info <dir>')
  .description('Show a project\'s facts: clips, labels, schema version.')
  .option('--json', 'print the project as JSON')
  .action(async (dir: string, options: { json?: boolean }) => {
    printProject(await project.open({ path: dir }), options.json);
  });
projectCommand
  .command('recent')
  .description('List recently opened projects ("!" marks one whose folder or database is gone).')
  .option('--prune', 'first remove the projects that are gone from the list')
  .option('--json', 'print as JSON')
  .action(async (options: { prune?: boolean; json?: boolean }) => {
    const recents = options.prune ? await project.forgetRecent({ missing: true }) : await project.recent();
    if (options.json) console.log(JSON.stringify(recents, null, 2));
    else for (const item of recents) console.log(`${item.exists ? ' ' : '!'} ${item.name}\t${item.path}\t${item.openedAt}`);
  });
projectCommand
  .command('forget <dir>')
  .description('Remove a project from the recent list; its folder is left as it is.')
  .action(async (dir: string) => {
    await project.forgetRecent({ path: dir });
  });

program
  .command('import <path>')
  .description(
    'Import audio (WAV, FLAC, MP3, Ogg): one folder per label (Speech Commands layout), a flat folder with a file-name pattern, or a CSV/JSON manifest.',
  )
  .requiredOption('--project <dir>', 'the project to import into')
  .addOption(new Option('--pattern <pattern>', `file-name pattern, e.g. "${fsddPattern}" (fields: {label} {speaker} {take}, * for anything)`).conflicts('manifest'))
  .addOption(new Option('--manifest <file>', 'CSV (header row) or JSON manifest with path, label and optional speaker, split; relative paths are read from the manifest\'s folder'))
  .option('--dry-run', 'show what would be imported, and how it would be labelled, without importing')
  .option('--json', 'print the import report as JSON')
  .action(async (source: string, options: { project: string; pattern?: string; manifest?: string; dryRun?: boolean; json?: boolean }) => {
    await project.open({ path: options.project });
    let currentImportTask: string | undefined;
    const showProgress = progressLine(options.json, (progress) => `${progress.done}/${progress.total}`);
    const unsubscribe = project.onDidProgress((progress) => {
      currentImportTask = progress.state === 'running' ? progress.taskId : undefined;
      showProgress(progress);
    });
    const request = { path: source, pattern: options.pattern, manifest: options.manifest };
    if (options.dryRun) {
      const preview = await project.previewImport(request);
      if (options.json) console.log(JSON.stringify(preview, null, 2));
      else {
        console.log(`would_import=${preview.candidates}`);
        console.log(`noise_files=${preview.noise}`);
        console.log(`rejected=${preview.rejected}`);
        console.log(`labels=${preview.labels.map((item) => `${item.label}:${item.count}`).join(',')}`);
        for (const item of preview.sample) console.log(`  ${item.relative} -> ${item.kind === 'noise' ? 'noise' : (item.label ?? 'unlabeled')}${item.speaker ? ` (speaker ${item.speaker})` : ''}`);
        for (const item of preview.rejectedSample) console.log(`  rejected: ${item.path}: ${item.reason}`);
      }
      unsubscribe();
      return;
    }
    const onSigint = () => {
      const running = currentImportTask;
      if (running) void project.cancelTask({ taskId: running });
    };
    process.once('SIGINT', onSigint);
    const report = await project.importFolder(request);
    process.off('SIGINT', onSigint);
    unsubscribe();
    printImportReport(report, options.json);
  });

const featuresCommand = program.command('features').description('Compute and cache features (MFCC, log-mel, spectrogram) for a project.');
featuresCommand
  .command('extract')
  .description('Compute the features of every clip under a preset or spec file, through the project\'s feature cache.')
  .requiredOption('--project <dir>', 'the project')
  .addOption(new Option('--preset <id>', 'a feature preset (see `kws-studio features presets`)').conflicts('spec'))
  .addOption(new Option('--spec <file>', 'a FeatureSpec JSON file'))
  .option('--threads <n>', 'worker threads (default: one per core)', numberOption('--threads', RANGE.threads))
  .option('--float16', 'store newly computed features as float16 (half the disk; ~3 significant digits)')
  .option('--json', 'print the report as JSON')
  .action(async (options: { project: string; preset?: string; spec?: string; threads?: number; float16?: boolean; json?: boolean }) => {
    const open = await openProjectForFeatures(options.project);
    const spec = await resolveFeatureSpec(options);
    const cache = new FeatureCache(open.layout.featureCache, { valueType: options.float16 ? 'float16' : 'float32' });
    const showProgress = progressLine(options.json, (progress) => `${progress.done}/${progress.total} clips`);
    const controller = new AbortController();
    const onSigint = () => controller.abort(new StudioError('cancelled', 'Feature extraction was cancelled.'));
    process.once('SIGINT', onSigint);
    const report = await extractProjectFeatures(open, {
      spec,
      cache,
      ...(options.threads ? { threads: options.threads } : {}),
      signal: controller.signal,
      onProgress: (done, total) =>
        showProgress({ taskId: 'features', title: 'features', state: done === total ? 'done' : 'running', done, total, message: '' }),
    });
    process.off('SIGINT', onSigint);
    const status = cache.status();
    if (options.json) {
      console.log(JSON.stringify({ ...report, specHash: featureSpecHash(spec), cache: status }, null, 2));
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
  });
featuresCommand
  .command('cache')
  .description('Show (or clear) the project\'s feature cache.')
  .requiredOption('--project <dir>', 'the project')
  .option('--clear', 'delete every cached feature file')
  .option('--json', 'print JSON')
  .action(async (options: { project: string; clear?: boolean; json?: boolean }) => {
    const open = await openProjectForFeatures(options.project);
    const cache = new FeatureCache(open.layout.featureCache);
    if (options.clear) cache.clear();
    const status = cache.status();
    if (options.json) console.log(JSON.stringify(status, null, 2));
    else {
      console.log(`cache_entries=${status.entries}`);
      console.log(`cache_mb=${(status.bytes / 2 ** 20).toFixed(1)}`);
      console.log(`cap_mb=${(status.capBytes / 2 ** 20).toFixed(0)}`);
    }
  });
featuresCommand
  .command('presets')
  .description('List the feature presets.')
  .option('--json', 'print the presets with their full specs as JSON')
  .action(async (options: { json?: boolean }) => {
    const presets = await features.presets();
    if (options.json) console.log(JSON.stringify(presets, null, 2));
    else for (const preset of presets) console.log(`${preset.id}\t${preset.description}`);
  });

program
  .command('train')
  .description('Train a model on the project\'s clips in a worker process and record the run (spec format: docs/train-spec.md).')
  .requiredOption('--project <dir>', 'the project')
  .addOption(new Option('--spec <file>', 'a TrainSpec JSON file').conflicts('preset'))
  .addOption(new Option('--preset <id>', `a train preset from resources/presets/train (default: ${DEFAULT_TRAIN_PRESET_ID}, about a minute on the demo)`))
  .option('--epochs <n>', 'override the spec\'s epochs (and a piecewise schedule\'s length, scaled to fit)', numberOption('--epochs', RANGE.epochs))
  .option('--json', 'print the run summary as JSON')
  .action(async (options: { project: string; spec?: string; preset?: string; epochs?: number; json?: boolean }) => {
    await project.open({ path: options.project });
    let spec = await resolveTrainSpec(options);
    if (options.epochs !== undefined) {
      // Stages in steps would ignore the epochs: as shares of the run they keep their shape over the new length.
      const schedule = spec.schedule.kind === 'piecewise' ? relativeSchedule(spec.schedule, totalStepsOf(spec.schedule, spec.epochs, 0)) : spec.schedule;
      spec = { ...spec, epochs: options.epochs, schedule };
    }
    for (const warning of trainWarningsFor(studio.session.require().db, spec)) console.error(`warning: ${warning}`);
    const showProgress = progressLine(options.json, (progress) => progress.message);
    let runId = '';
    const finished = new Promise<TrainingProgress>((resolve) => {
      training.onDidProgress((progress) => {
        if (progress.runId !== runId) return;
        if (progress.status === 'running') {
          showProgress({ taskId: runId, title: 'train', state: 'running', done: Math.max(progress.step, 0), total: Math.max(progress.steps, 1), message: trainingLine(progress) });
        } else resolve(progress);
      });
    });
    runId = (await training.startRun({ spec })).id;
    const stopping = stopOnSignals((signal) => void interruptTrainingHere(`stopped by ${signal}`));
    const end = await finished;
    stopping.dispose();
    showProgress({ taskId: runId, title: 'train', state: 'done', done: 1, total: 1, message: end.message });
    if (reportInterrupted(runId, options.project, end, stopping)) return;
    const run = await training.getRun({ runId });
    if (end.status !== 'done' || !run.summary) {
      throw new StudioError(end.status === 'cancelled' ? 'cancelled' : 'internal', `Run ${runId} ${end.status}: ${run.error ?? end.message}`);
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
      ['size (float32)', `${(summary.model.sizeBytes / 1024).toFixed(1)} KiB (gzip ${(summary.model.gzipBytes / 1024).toFixed(1)} KiB)`],
      ['sparsity', `${(summary.model.sparsity * 100).toFixed(1)} %`],
      ['latency (features + model)', `${summary.latencyMs.toFixed(2)} ms`],
      ['training', `${summary.trainSeconds.toFixed(1)} s, ${summary.trainSamplesPerSecond.toFixed(0)} samples/s, ${summary.epochs} epochs${summary.stoppedEarly ? ' (stopped early)' : ''}`],
    ];
    for (const [key, value] of rows) console.log(`${key.padEnd(28)} ${value}`);
    console.log('\nclass'.padEnd(17) + 'precision  recall     f1  support');
    for (const item of summary.perClass) {
      console.log(`${item.label.padEnd(16)}${item.precision.toFixed(3).padStart(9)}${item.recall.toFixed(3).padStart(8)}${item.f1.toFixed(3).padStart(7)}${String(item.support).padStart(9)}`);
    }
  });

program
  .command('splits')
  .description('Assign train/validation/test splits by hashing (speaker, or the name up to _nohash_, stays in one split); pinned clips keep theirs.')
  .requiredOption('--project <dir>', 'the project')
  .option('--validation <percent>', 'validation share', numberOption('--validation', RANGE.percent), 10)
  .option('--test <percent>', 'test share', numberOption('--test', RANGE.percent), 10)
  .option('--json', 'print JSON')
  .action(async (options: { project: string; validation: number; test: number; json?: boolean }) => {
    if (options.validation + options.test >= 100) {
      throw new StudioError(
        'invalid_input',
        `--validation ${options.validation} and --test ${options.test} add up to ${options.validation + options.test}; together they must be below 100 so some clips are left to train on`,
      );
    }
    await project.open({ path: options.project });
    const result = await studio.services.library.assignSplits({ validationPercent: options.validation, testPercent: options.test });
    if (options.json) console.log(JSON.stringify(result, null, 2));
    else for (const [key, value] of Object.entries(result)) console.log(`${key}=${value}`);
  });

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

program
  .command('worker')
  .description("Join a project's sweeps from this machine: take trials from its Redis queue and train them. The project folder must be reachable here (a shared path); only the coordinator writes its database.")
  .requiredOption('--redis <url>', 'the Redis server the coordinator queues trials on, e.g. redis://10.0.0.5:6379')
  .requiredOption('--project <dir>', 'the project, on a path shared with the coordinator')
  .option('--threads <n>', 'TensorFlow threads for a trial (default: every core)', numberOption('--threads', RANGE.threads))
  .option('--stall-seconds <s>', 'how long a worker may go silent before another takes its trial over', numberOption('--stall-seconds', RANGE.stallSeconds), 30)
  .action(async (options: { redis: string; project: string; threads?: number; stallSeconds: number }) => {
    if (options.threads !== undefined) {
      process.env.TF_NUM_INTRAOP_THREADS = String(options.threads);
      process.env.TF_NUM_INTEROP_THREADS = '1';
    }
    const stallSeconds = options.stallSeconds;
    let worker: Awaited<ReturnType<typeof startTrialWorker>>;
    try {
      worker = await startTrialWorker({ redisUrl: options.redis, projectPath: options.project, stallSeconds, log: (line) => console.log(`${new Date().toISOString()} ${line}`) });
    } catch (error) {
      throw new StudioError('invalid_input', error instanceof Error ? error.message : String(error));
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    console.log(`${new Date().toISOString()} leaving: a trial in progress goes back to the queue`);
    await worker.close();
  });

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

const runsCommand = program.command('runs').description('List, filter, annotate, compare and export training runs; resume one.');
const scopeOption = () => new Option('--scope <scope>', 'which runs by lifecycle').choices(['active', 'archived', 'deleted']).default('active');
runsCommand
  .command('list')
  .description('Runs of the project as a table: filter and sort on any parameter, metric or model statistic (newest first by default).')
  .requiredOption('--project <dir>', 'the project')
  .option('--filter <conditions>', 'e.g. "val_accuracy > 0.9 and model.kind = ds_cnn" (operators = != > >= < <= ~, joined by and)')
  .option('--sort <keys>', 'comma-separated keys, "-" before a key for descending, e.g. "-val_accuracy,stats.gzip_kb"')
  .addOption(scopeOption())
  .option('--starred', 'only starred runs')
  .option('--sweep <sweepId>', 'only the runs of this sweep')
  .option('--columns <keys>', 'comma-separated keys to show after id and status (default: val_accuracy,test_accuracy,stats.gzip_kb,stats.latency_ms,name)')
  .option('--offset <n>', 'skip this many runs', numberOption('--offset', RANGE.offset), 0)
  .option('--limit <n>', 'at most this many runs', numberOption('--limit', RANGE.limit), 10_000)
  .option('--keys', 'list every key runs have (with its kind and type) instead of runs')
  .option('--json', 'print the rows as JSON')
  .action(async (options: { project: string; filter?: string; sort?: string; scope: RunScope; starred?: boolean; sweep?: string; columns?: string; offset: number; limit: number; keys?: boolean; json?: boolean }) => {
    await project.open({ path: options.project });
    if (options.keys) {
      const columns = await runs.columns();
      if (options.json) console.log(JSON.stringify(columns, null, 2));
      else for (const column of columns) console.log(`${column.key.padEnd(40)} ${column.kind.padEnd(7)} ${column.type.padEnd(7)} ${column.count} runs${column.values ? `  (${column.values.slice(0, 8).join(', ')}${column.values.length > 8 ? ', …' : ''})` : ''}`);
      return;
    }
    const page = await runs.queryRuns({
      conditions: parseFilterOption(options.filter), sort: parseSortOption(options.sort), scope: options.scope, starredOnly: options.starred,
      sweepId: options.sweep, offset: options.offset, limit: options.limit,
    });
    for (const key of page.unknownKeys) console.error(`note: no run has "${key}" (kws-studio runs list --keys lists every key)`);
    if (options.json) {
      console.log(JSON.stringify(page.rows, null, 2));
      return;
    }
    const keys = options.columns ? splitList(options.columns) : ['val_accuracy', 'test_accuracy', 'stats.gzip_kb', 'stats.latency_ms', 'name'];
    const cell = (value: RunValue | undefined) => (value === null || value === undefined ? '—' : typeof value === 'number' ? String(Number(value.toPrecision(4))) : String(value));
    const table = [['id', 'status', ...keys], ...page.rows.map((row) => [`${row.starred ? '*' : ' '}${row.id}`, row.status, ...keys.map((key) => cell(row.values[key]))])];
    const widths = table[0]!.map((_, column) => Math.min(40, Math.max(...table.map((line) => line[column]!.length))));
    for (const line of table) console.log(line.map((text, column) => (column === line.length - 1 ? text : text.slice(0, 40).padEnd(widths[column]!))).join('  '));
    console.log(`${page.rows.length} of ${page.total} ${options.scope} runs`);
  });
runsCommand
  .command('export [runIds...]')
  .description('Export runs as CSV (one row per run) or JSON (full specs, summaries and metric series): the given runs, or every run the filter matches.')
  .requiredOption('--project <dir>', 'the project')
  .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
  .option('--filter <conditions>', 'without run ids: the runs matching these conditions')
  .addOption(scopeOption())
  .option('--columns <keys>', 'CSV columns, comma-separated (default: every column the runs have)')
  .option('--out <file>', 'write to this file instead of standard output')
  .action(async (runIds: string[], options: { project: string; format: 'csv' | 'json'; filter?: string; scope: RunScope; columns?: string; out?: string }) => {
    await project.open({ path: options.project });
    const ids = runIds.length ? runIds : await runs.runIds({ conditions: parseFilterOption(options.filter), scope: options.scope });
    if (ids.length === 0) throw new StudioError('not_found', 'No run matches; nothing to export.');
    const result = await runs.exportRuns({ runIds: ids, format: options.format, columns: options.columns ? splitList(options.columns) : undefined });
    if (options.out) {
      fs.writeFileSync(options.out, result.text);
      console.error(`wrote ${ids.length} runs to ${options.out}`);
    } else process.stdout.write(result.text);
  });
runsCommand
  .command('tag <runIds...>')
  .description('Add, remove or set the tags of runs.')
  .requiredOption('--project <dir>', 'the project')
  .option('--add <tags>', 'comma-separated tags to add')
  .option('--remove <tags>', 'comma-separated tags to remove')
  .option('--set <tags>', 'replace the runs\' tags with these (empty: no tags)')
  .action(async (runIds: string[], options: { project: string; add?: string; remove?: string; set?: string }) => {
    await project.open({ path: options.project });
    if (options.add === undefined && options.remove === undefined && options.set === undefined) throw new StudioError('invalid_input', 'Give --add, --remove or --set.');
    let changed = 0;
    if (options.set !== undefined) changed += (await runs.setTags({ runIds, tags: splitList(options.set) })).changed;
    if (options.add !== undefined) changed += (await runs.addTags({ runIds, tags: splitList(options.add) })).changed;
    if (options.remove !== undefined) changed += (await runs.removeTags({ runIds, tags: splitList(options.remove) })).changed;
    console.log(`changed=${changed}`);
  });
runsCommand
  .command('note <runId> [text...]')
  .description('Set a run\'s note (no text clears it).')
  .requiredOption('--project <dir>', 'the project')
  .action(async (runId: string, words: string[], options: { project: string }) => {
    await project.open({ path: options.project });
    console.log(`changed=${(await runs.setNote({ runIds: [runId], note: words.join(' ') })).changed}`);
  });
const lifecycleCommands: [name: string, description: string, apply: (runIds: string[]) => Promise<{ changed: number }>][] = [
  ['star', 'Star runs.', (runIds) => runs.setStarred({ runIds, starred: true })],
  ['unstar', 'Remove the star of runs.', (runIds) => runs.setStarred({ runIds, starred: false })],
  ['archive', 'Archive runs: hidden from the active list, kept as they are.', (runIds) => runs.archiveRuns({ runIds })],
  ['unarchive', 'Bring archived runs back to the active list.', (runIds) => runs.unarchiveRuns({ runIds })],
  ['delete', 'Delete runs (recoverable with `runs restore` until purged).', (runIds) => runs.deleteRuns({ runIds })],
  ['restore', 'Restore deleted runs.', (runIds) => runs.restoreRuns({ runIds })],
];
for (const [name, description, apply] of lifecycleCommands) {
  runsCommand
    .command(`${name} <runIds...>`)
    .description(description)
    .requiredOption('--project <dir>', 'the project')
    .action(async (runIds: string[], options: { project: string }) => {
      await project.open({ path: options.project });
      console.log(`changed=${(await apply(runIds)).changed}`);
    });
}
runsCommand
  .command('purge [runIds...]')
  .description('Remove deleted runs for good, with their checkpoints and models: the given ones, or every deleted run.')
  .requiredOption('--project <dir>', 'the project')
  .option('--yes', 'confirm: this cannot be undone')
  .action(async (runIds: string[], options: { project: string; yes?: boolean }) => {
    await project.open({ path: options.project });
    if (!options.yes) throw new StudioError('invalid_input', 'Purging cannot be undone; add --yes to confirm.');
    const result = await runs.purgeDeletedRuns({ runIds: runIds.length ? runIds : undefined });
    console.log(`purged=${result.purged}`);
    console.log(`mb_freed=${(result.bytesFreed / 2 ** 20).toFixed(1)}`);
  });
runsCommand
  .command('compare <runIds...>')
  .description('Compare 2–8 runs: the settings that differ and their model statistics side by side.')
  .requiredOption('--project <dir>', 'the project')
  .option('--json', 'print the whole comparison (curves, confusion matrices, per-class metrics) as JSON')
  .action(async (runIds: string[], options: { project: string; json?: boolean }) => {
    await project.open({ path: options.project });
    const comparison = await runs.compareRuns({ runIds });
    if (options.json) {
      console.log(JSON.stringify(comparison, null, 2));
      return;
    }
    const show = (value: RunValue) => (value === null ? '—' : typeof value === 'number' ? String(Number(value.toPrecision(5))) : String(value));
    const table = [
      ['', ...comparison.runs.map((run) => run.id)],
      ...comparison.configDiff.map((row) => [row.key, ...row.values.map(show)]),
      ...comparison.stats.map((stat) => [`${stat.label}${stat.unit ? ` (${stat.unit})` : ''}`, ...stat.values.map((value, i) => `${show(value)}${stat.best.includes(i) ? ' *' : ''}`)]),
    ];
    const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
    for (const line of table) console.log(line.map((text, column) => text.padEnd(widths[column]!)).join('  ').trimEnd());
  });
runsCommand
  .command('resume <runId>')
  .description('Continue a cancelled, failed or interrupted run from its last checkpoint (refused while another process trains it).')
  .requiredOption('--project <dir>', 'the project')
  .action(async (runId: string, options: { project: string }) => {
    await project.open({ path: options.project });
    const finished = new Promise<TrainingProgress>((resolve) => {
      training.onDidProgress((progress) => {
        if (progress.runId === runId && progress.status !== 'running') resolve(progress);
      });
    });
    await training.resumeRun({ runId });
    const stopping = stopOnSignals((signal) => void interruptTrainingHere(`stopped by ${signal}`));
    const end = await finished;
    stopping.dispose();
    console.log(`status=${end.status}`);
    console.log(`message=${end.message}`);
    if (reportInterrupted(runId, options.project, end, stopping)) return;
    if (end.status !== 'done') process.exitCode = EXIT.failure;
  });

/**
 * A run a signal stopped: says how to continue it, and sets the signal's exit code (130 for
 * SIGINT, 143 for SIGTERM). False when the run ended otherwise (it may have finished meanwhile).
 */
function reportInterrupted(runId: string, projectDir: string, end: TrainingProgress, stopping: SignalStop): boolean {
  if (end.status !== 'interrupted' || !stopping.signal) return false;
  console.error(`kws-studio: run ${runId} stopped by ${stopping.signal}; \`kws-studio runs resume ${runId} --project ${projectDir}\` continues it`);
  process.exitCode = stopping.exitCode!;
  return true;
}

/** `--filter` text as typed conditions; a part that does not parse stops the command, saying why. */
function parseFilterOption(text: string | undefined): RunCondition[] {
  if (!text) return [];
  const { conditions, problems } = parseRunFilter(text);
  if (problems.length) throw new StudioError('invalid_input', `--filter: ${problems.join('; ')}`);
  return conditions;
}

/** `--sort "-val_accuracy,stats.gzip_kb"`: keys in order, a leading "-" for descending. */
function parseSortOption(text: string | undefined): RunSort[] {
  return splitList(text ?? '').map((key) => (key.startsWith('-') ? { key: key.slice(1), direction: 'desc' } : { key, direction: 'asc' }));
}

function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter(Boolean);
}

function trainingLine(progress: TrainingProgress): string {
  const parts = [progress.message];
  if (progress.loss !== null) parts.push(`loss ${progress.loss.toFixed(3)}`);
  if (progress.accuracy !== null) parts.push(`acc ${(progress.accuracy * 100).toFixed(1)}%`);
  if (progress.etaSeconds !== null) parts.push(`eta ${Math.round(progress.etaSeconds)}s`);
  return parts.join(' · ');
}

async function openProjectForFeatures(dir: string) {
  await project.open({ path: dir });
  return studio.session.require();
}

/** A spec from `--spec FILE` (parsed and validated) or `--preset ID`, with errors that say which. */
async function resolveSpec<Spec>(
  options: { spec?: string; preset?: string },
  kind: 'feature' | 'train' | 'sweep',
  parse: (value: unknown, source: string) => Spec,
  presets: () => Promise<{ id: string; spec: Spec }[]>,
  defaultPreset: string,
): Promise<Spec> {
  if (options.spec) {
    let text: string;
    try {
      text = fs.readFileSync(options.spec, 'utf8');
    } catch {
      throw new StudioError('not_found', `Cannot read the spec file ${options.spec}.`);
    }
    try {
      return parse(JSON.parse(text), options.spec);
    } catch (error) {
      throw new StudioError('invalid_input', error instanceof Error ? error.message : String(error));
    }
  }
  const available = await presets();
  const id = options.preset ?? defaultPreset;
  const preset = available.find((item) => item.id === id);
  if (!preset) throw new StudioError('invalid_input', `There is no ${kind} preset "${id}"; presets: ${available.map((item) => item.id).join(', ')}.`);
  return preset.spec;
}

const resolveFeatureSpec = (options: { spec?: string; preset?: string }) => resolveSpec(options, 'feature', parseFeatureSpec, () => features.presets(), 'log-mel-40');
const resolveTrainSpec = (options: { spec?: string; preset?: string }) => resolveSpec(options, 'train', parseTrainSpec, () => training.presets(), DEFAULT_TRAIN_PRESET_ID);

function printProject(info: ProjectInfo, json?: boolean): void {
  if (json) {
    console.log(JSON.stringify(info, null, 2));
    return;
  }
  console.log(`name=${info.name}`);
  console.log(`path=${info.path}`);
  console.log(`clips=${info.clipCount}`);
  console.log(`labels=${info.labelCount}`);
  console.log(`noise_files=${info.noiseCount}`);
  console.log(`sample_rate=${info.sampleRate}`);
  console.log(`schema_version=${info.schemaVersion}`);
}

function printImportReport(report: ImportReport, json?: boolean): void {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(`imported=${report.imported}`);
  console.log(`duplicates=${report.duplicates}`);
  console.log(`noise_files=${report.noise}`);
  console.log(`rejected=${report.rejected.length}`);
  const shown = 20;
  for (const item of report.rejected.slice(0, shown)) console.log(`  rejected: ${item.path}: ${item.reason}`);
  if (report.rejected.length > shown) console.log(`  … and ${report.rejected.length - shown} more (use --json for the full report)`);
  console.log(`labels=${report.labels.join(',')}`);
  console.log(`seconds=${report.seconds.toFixed(1)}`);
}

/**
 * A progress line on stderr, redrawn at most ten times a second and only on a terminal: piped
 * output and --json stay clean.
 */
function progressLine(json: boolean | undefined, detail: (progress: TaskProgress) => string) {
  let last = 0;
  return (progress: TaskProgress) => {
    if (json || !process.stderr.isTTY || progress.total === 0) return;
    const finished = progress.state !== 'running';
    if (!finished && performance.now() - last < 100) return;
    last = performance.now();
    const line = `${progressBar(progress.done / progress.total)} ${detail(progress).slice(0, 50)}`;
    process.stderr.write(`\r${line.padEnd(process.stderr.columns ? Math.min(process.stderr.columns - 1, 90) : 90)}${finished ? '\n' : ''}`);
  };
}

/** Off a terminal (a log, `npm start`): one plain line on stdout per tenth of the work done. */
function progressSteps(title: string) {
  let shown = -1;
  return (progress: TaskProgress) => {
    if (progress.state !== 'running' || progress.total === 0) return;
    const tenths = Math.floor((progress.done / progress.total) * 10);
    if (tenths <= shown) return;
    shown = tenths;
    console.log(`${title}… ${tenths * 10}%`);
  };
}

function progressBar(fraction: number): string {
  const width = 24;
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}

// `kws-studio … | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage mistakes with 2. Commander has printed the message.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof StudioError) {
    console.error(`kws-studio: ${error.message}`);
    process.exitCode = exitCodeFor[error.code] ?? EXIT.failure;
  } else if (isCorruption(error)) {
    // A page damaged where the open's quick check does not look surfaces in the query that reads it.
    console.error(`kws-studio: ${asCorruption(error, studio.session.current?.layout.database ?? 'the project database')!.message}`);
    process.exitCode = EXIT.incompatible;
  } else {
    console.error(`kws-studio: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT.failure;
  }
} finally {
  studio.dispose();
}
