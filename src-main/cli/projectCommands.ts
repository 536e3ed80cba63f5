import type { Command } from 'commander';
import type { StudioServices } from '../services/createServices.ts';
import { printProject } from './printProject.ts';

/** `kws-studio project create|open|info|recent|forget`. */
export function addProjectCommands(program: Command, studio: StudioServices): void {
  const { project } = studio.services;
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
    .description("Show a project's facts: clips, labels, schema version.")
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
      else
        for (const item of recents)
          console.log(`${item.exists ? ' ' : '!'} ${item.name}\t${item.path}\t${item.openedAt}`);
    });
  projectCommand
    .command('forget <dir>')
    .description('Remove a project from the recent list; its folder is left as it is.')
    .action(async (dir: string) => {
      await project.forgetRecent({ path: dir });
    });
}
