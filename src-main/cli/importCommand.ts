import { Option, type Command } from 'commander';
import { fsddPattern } from '../../src-shared/model/fileNamePattern.ts';
import type { StudioServices } from '../services/createServices.ts';
import { printImportReport } from './printImportReport.ts';
import { progressLine } from './progressLine.ts';

/** `kws-studio import`: audio into a project, or with --dry-run what would be imported. */
export function addImportCommand(program: Command, studio: StudioServices): void {
  const { project } = studio.services;
  program
    .command('import <path>')
    .description(
      'Import audio (WAV, FLAC, MP3, Ogg): one folder per label (Speech Commands layout), a flat folder with a file-name pattern, or a CSV/JSON manifest.',
    )
    .requiredOption('--project <dir>', 'the project to import into')
    .addOption(
      new Option(
        '--pattern <pattern>',
        `file-name pattern, e.g. "${fsddPattern}" (fields: {label} {speaker} {take}, * for anything)`,
      ).conflicts('manifest'),
    )
    .addOption(
      new Option(
        '--manifest <file>',
        "CSV (header row) or JSON manifest with path, label and optional speaker, split; relative paths are read from the manifest's folder",
      ),
    )
    .option('--dry-run', 'show what would be imported, and how it would be labelled, without importing')
    .option('--json', 'print the import report as JSON')
    .action(
      async (
        source: string,
        options: { project: string; pattern?: string; manifest?: string; dryRun?: boolean; json?: boolean },
      ) => {
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
            for (const item of preview.sample)
              console.log(
                `  ${item.relative} -> ${item.kind === 'noise' ? 'noise' : (item.label ?? 'unlabeled')}${item.speaker ? ` (speaker ${item.speaker})` : ''}`,
              );
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
      },
    );
}
