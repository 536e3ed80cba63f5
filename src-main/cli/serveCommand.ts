import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { startServeHost } from '../host/startServeHost.ts';
import type { StudioServices } from '../services/createServices.ts';
import { EXIT } from './exitCodes.ts';
import { numberOption } from './numberOption.ts';
import { RANGE } from './optionRanges.ts';
import { progressLine } from './progressLine.ts';
import { progressSteps } from './progressSteps.ts';

const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'out');

/** `kws-studio serve`: the studio for a browser on 127.0.0.1, until a signal stops it. */
export function addServeCommand(program: Command, studio: StudioServices): void {
  const { project } = studio.services;
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
      const host = await startServeHost({
        dispatcher: createDispatcher(studio.services),
        staticDir,
        port: options.port,
      });
      console.log(
        `KWS Studio is running. Open this URL in a browser (it carries this launch's secret token):\n\n  ${host.url}\n`,
      );
      console.log('Press Ctrl+C to stop.');
      if (options.demo) {
        // The page is usable at once; it switches to the demo project when it is ready.
        const unsubscribe = project.onDidProgress(
          process.stderr.isTTY
            ? progressLine(false, (progress) => progress.message)
            : progressSteps('Creating the demo project'),
        );
        project
          .createDemo({})
          .then(
            (info) => console.log(`Demo project ready: ${info.clipCount} clips in ${info.path}`),
            (error: unknown) =>
              console.error(
                `kws-studio: the demo project could not be created: ${error instanceof Error ? error.message : String(error)}`,
              ),
          )
          .finally(unsubscribe);
      }
      const stop = async () => {
        let code: number = EXIT.ok;
        try {
          await host.close();
          studio.dispose();
        } catch (error) {
          console.error(
            `kws-studio: serve mode did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`,
          );
          code = EXIT.failure;
        }
        // Drops staged from the browser that no import took yet, or that one was reading: nothing will read them now.
        studio.removeStagedUploads();
        process.exit(code);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.once('SIGHUP', stop);
      await new Promise(() => undefined);
    });
}
