// The `kws-studio` command line (bin/kws-studio.js imports this file): builds the program from
// one module per command group, runs it, and turns what went wrong into a message and an exit code.
import { Command, CommanderError } from 'commander';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { studioHome } from '../services/appPaths.ts';
import { createServices } from '../services/createServices.ts';
import { asCorruption, isCorruption } from '../store/openProjectDatabase.ts';
import { addDemoCommand } from './demoCommand.ts';
import { addDoctorCommand } from './doctorCommand.ts';
import { addExportCommand } from './exportCommand.ts';
import { EXIT, exitCodeFor } from './exitCodes.ts';
import { addFeaturesCommands } from './featuresCommands.ts';
import { addImportCommand } from './importCommand.ts';
import { addProjectCommands } from './projectCommands.ts';
import { addRunsCommands } from './runsCommands.ts';
import { addServeCommand } from './serveCommand.ts';
import { addSplitsCommand } from './splitsCommand.ts';
import { addSweepCommand } from './sweepCommand.ts';
import { addTrainCommand } from './trainCommand.ts';
import { addWorkerCommand } from './workerCommand.ts';

const studio = createServices({ home: studioHome() });
const { app: appVersion } = await studio.services.system.version();

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

// In this order in --help.
addDoctorCommand(program, studio);
addDemoCommand(program, studio);
addServeCommand(program, studio);
addProjectCommands(program, studio);
addImportCommand(program, studio);
addFeaturesCommands(program, studio);
addTrainCommand(program, studio);
addSplitsCommand(program, studio);
addSweepCommand(program, studio);
addWorkerCommand(program);
addRunsCommands(program, studio);
addExportCommand(program, studio);

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
    console.error(
      `kws-studio: ${asCorruption(error, studio.session.current?.layout.database ?? 'the project database')!.message}`,
    );
    process.exitCode = EXIT.incompatible;
  } else {
    console.error(`kws-studio: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT.failure;
  }
} finally {
  studio.dispose();
}
