import type { Command } from 'commander';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import type { StudioServices } from '../services/createServices.ts';
import { numberOption } from './numberOption.ts';
import { RANGE } from './optionRanges.ts';

/** `kws-studio splits`: assigns train/validation/test splits. */
export function addSplitsCommand(program: Command, studio: StudioServices): void {
  const { project } = studio.services;
  program
    .command('splits')
    .description(
      'Assign train/validation/test splits by hashing (speaker, or the name up to _nohash_, stays in one split); pinned clips keep theirs.',
    )
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
      const result = await studio.services.library.assignSplits({
        validationPercent: options.validation,
        testPercent: options.test,
      });
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else for (const [key, value] of Object.entries(result)) console.log(`${key}=${value}`);
    });
}
