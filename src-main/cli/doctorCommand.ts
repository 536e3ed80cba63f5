import type { Command } from 'commander';
import type { StudioServices } from '../services/createServices.ts';
import { EXIT } from './exitCodes.ts';

/** `kws-studio doctor`: the installation's facts, and a failing exit code when one of them is an error. */
export function addDoctorCommand(program: Command, studio: StudioServices): void {
  const { system } = studio.services;
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
}
