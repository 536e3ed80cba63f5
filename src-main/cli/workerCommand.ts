import type { Command } from 'commander';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { startTrialWorker } from '../services/sweeps/queue/startTrialWorker.ts';
import { numberOption } from './numberOption.ts';
import { RANGE } from './optionRanges.ts';

/** `kws-studio worker`: trains a project's queued sweep trials from this machine until a signal stops it. */
export function addWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      "Join a project's sweeps from this machine: take trials from its Redis queue and train them. The project folder must be reachable here (a shared path); only the coordinator writes its database.",
    )
    .requiredOption('--redis <url>', 'the Redis server the coordinator queues trials on, e.g. redis://10.0.0.5:6379')
    .requiredOption('--project <dir>', 'the project, on a path shared with the coordinator')
    .option(
      '--threads <n>',
      'TensorFlow threads for a trial (default: every core)',
      numberOption('--threads', RANGE.threads),
    )
    .option(
      '--stall-seconds <s>',
      'how long a worker may go silent before another takes its trial over',
      numberOption('--stall-seconds', RANGE.stallSeconds),
      30,
    )
    .action(async (options: { redis: string; project: string; threads?: number; stallSeconds: number }) => {
      if (options.threads !== undefined) {
        process.env.TF_NUM_INTRAOP_THREADS = String(options.threads);
        process.env.TF_NUM_INTEROP_THREADS = '1';
      }
      const stallSeconds = options.stallSeconds;
      let worker: Awaited<ReturnType<typeof startTrialWorker>>;
      try {
        worker = await startTrialWorker({
          redisUrl: options.redis,
          projectPath: options.project,
          stallSeconds,
          log: (line) => console.log(`${new Date().toISOString()} ${line}`),
        });
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
}
