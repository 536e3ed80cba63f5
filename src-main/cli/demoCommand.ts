import type { Command } from 'commander';
import type { StudioServices } from '../services/createServices.ts';
import { numberOption } from './numberOption.ts';
import { RANGE } from './optionRanges.ts';
import { printProject } from './printProject.ts';
import { progressLine } from './progressLine.ts';

/** `kws-studio demo`: creates the demo project. */
export function addDemoCommand(program: Command, studio: StudioServices): void {
  const { project } = studio.services;
  program
    .command('demo')
    .description('Create the demo project: ten keywords synthesized offline, unknown words and background noise.')
    .option('--out <dir>', "where to create it (default: the studio's demo folder)")
    .option('--seed <n>', 'random seed; the same seed gives the same bytes', numberOption('--seed', RANGE.seed), 1)
    .option('--clips-per-word <n>', 'clips per keyword', numberOption('--clips-per-word', RANGE.clipsPerWord), 60)
    .option('--json', 'print the project as JSON')
    .action(async (options: { out?: string; seed: number; clipsPerWord: number; json?: boolean }) => {
      const unsubscribe = project.onDidProgress(progressLine(options.json, (progress) => progress.message));
      const info = await project.createDemo({
        path: options.out,
        seed: options.seed,
        clipsPerWord: options.clipsPerWord,
      });
      unsubscribe();
      printProject(info, options.json);
    });
}
