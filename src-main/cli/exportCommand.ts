import path from 'node:path';
import { Option, type Command } from 'commander';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { exportFormats, type ExportFormat } from '../../src-shared/model/ExportBundle.ts';
import type { StudioServices } from '../services/createServices.ts';

/** `kws-studio export`: writes a finished run's model bundle into a folder, through the export service. */
export function addExportCommand(program: Command, studio: StudioServices): void {
  const { project, export: exports } = studio.services;
  program
    .command('export [runId]')
    .description(
      "Export a finished run's model as a bundle (the model files and a manifest.json with labels, input shape and feature spec) into a folder.",
    )
    .requiredOption('--project <dir>', 'the project')
    .option('--run <runId>', 'the run to export (or give it as the argument)')
    .addOption(new Option('--format <format>', 'what to export').choices(exportFormats).default('tfjs'))
    .requiredOption(
      '--out <dir>',
      "the bundle's folder: created if missing (its parent must exist), or an empty folder",
    )
    .option(
      '--force',
      "write into a folder that holds files: replaces same-named files and an earlier export's, leaves the rest",
    )
    .option('--json', 'print what was written as JSON')
    .action(
      async (
        runArgument: string | undefined,
        options: { project: string; run?: string; format: ExportFormat; out: string; force?: boolean; json?: boolean },
      ) => {
        if (runArgument && options.run && runArgument !== options.run) {
          throw new StudioError(
            'invalid_input',
            `Two runs given (${runArgument} and --run ${options.run}); export one at a time.`,
          );
        }
        const runId = runArgument ?? options.run;
        if (!runId)
          throw new StudioError(
            'invalid_input',
            'Which run? Give its id: kws-studio export RUN --project DIR --out DIR.',
          );
        await project.open({ path: options.project });
        const result = await exports.exportRun({
          runId,
          format: options.format,
          directory: path.resolve(options.out),
          overwrite: options.force,
        });
        for (const warning of result.warnings) console.error(`note: ${warning}`);
        if (options.json) {
          console.log(JSON.stringify(result, null, 2));
          return;
        }
        console.log(`directory=${result.directory}`);
        for (const file of result.files) console.log(`file=${file.path} bytes=${file.bytes}`);
        console.log(`bytes=${result.bytes}`);
      },
    );
}
