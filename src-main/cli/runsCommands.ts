import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import type { TrainingProgress } from '../../src-shared/model/Run.ts';
import type { RunScope, RunValue } from '../../src-shared/model/RunQuery.ts';
import type { StudioServices } from '../services/createServices.ts';
import { EXIT } from './exitCodes.ts';
import { numberOption } from './numberOption.ts';
import { RANGE } from './optionRanges.ts';
import { parseFilterOption } from './parseFilterOption.ts';
import { parseSortOption } from './parseSortOption.ts';
import { reportInterrupted } from './reportInterrupted.ts';
import { splitList } from './splitList.ts';
import { stopOnSignals } from './stopOnSignals.ts';

/** `kws-studio runs …`: list, filter, annotate, compare, export and resume training runs. */
export function addRunsCommands(program: Command, studio: StudioServices): void {
  const { project, training, runs } = studio.services;
  const runsCommand = program
    .command('runs')
    .description('List, filter, annotate, compare and export training runs; resume one.');
  const scopeOption = () =>
    new Option('--scope <scope>', 'which runs by lifecycle')
      .choices(['active', 'archived', 'deleted'])
      .default('active');
  runsCommand
    .command('list')
    .description(
      'Runs of the project as a table: filter and sort on any parameter, metric or model statistic (newest first by default).',
    )
    .requiredOption('--project <dir>', 'the project')
    .option(
      '--filter <conditions>',
      'e.g. "val_accuracy > 0.9 and model.kind = ds_cnn" (operators = != > >= < <= ~, joined by and)',
    )
    .option(
      '--sort <keys>',
      'comma-separated keys, "-" before a key for descending, e.g. "-val_accuracy,stats.gzip_kb"',
    )
    .addOption(scopeOption())
    .option('--starred', 'only starred runs')
    .option('--sweep <sweepId>', 'only the runs of this sweep')
    .option(
      '--columns <keys>',
      'comma-separated keys to show after id and status (default: val_accuracy,test_accuracy,stats.gzip_kb,stats.latency_ms,name)',
    )
    .option('--offset <n>', 'skip this many runs', numberOption('--offset', RANGE.offset), 0)
    .option('--limit <n>', 'at most this many runs', numberOption('--limit', RANGE.limit), 10_000)
    .option('--keys', 'list every key runs have (with its kind and type) instead of runs')
    .option('--json', 'print the rows as JSON')
    .action(
      async (options: {
        project: string;
        filter?: string;
        sort?: string;
        scope: RunScope;
        starred?: boolean;
        sweep?: string;
        columns?: string;
        offset: number;
        limit: number;
        keys?: boolean;
        json?: boolean;
      }) => {
        await project.open({ path: options.project });
        if (options.keys) {
          const columns = await runs.columns();
          if (options.json) console.log(JSON.stringify(columns, null, 2));
          else
            for (const column of columns)
              console.log(
                `${column.key.padEnd(40)} ${column.kind.padEnd(7)} ${column.type.padEnd(7)} ${column.count} runs${column.values ? `  (${column.values.slice(0, 8).join(', ')}${column.values.length > 8 ? ', …' : ''})` : ''}`,
              );
          return;
        }
        const page = await runs.queryRuns({
          conditions: parseFilterOption(options.filter),
          sort: parseSortOption(options.sort),
          scope: options.scope,
          starredOnly: options.starred,
          sweepId: options.sweep,
          offset: options.offset,
          limit: options.limit,
        });
        for (const key of page.unknownKeys)
          console.error(`note: no run has "${key}" (kws-studio runs list --keys lists every key)`);
        if (options.json) {
          console.log(JSON.stringify(page.rows, null, 2));
          return;
        }
        const keys = options.columns
          ? splitList(options.columns)
          : ['val_accuracy', 'test_accuracy', 'stats.gzip_kb', 'stats.latency_ms', 'name'];
        const cell = (value: RunValue | undefined) =>
          value === null || value === undefined
            ? '—'
            : typeof value === 'number'
              ? String(Number(value.toPrecision(4)))
              : String(value);
        const table = [
          ['id', 'status', ...keys],
          ...page.rows.map((row) => [
            `${row.starred ? '*' : ' '}${row.id}`,
            row.status,
            ...keys.map((key) => cell(row.values[key])),
          ]),
        ];
        const widths = table[0]!.map((_, column) =>
          Math.min(40, Math.max(...table.map((line) => line[column]!.length))),
        );
        for (const line of table)
          console.log(
            line
              .map((text, column) => (column === line.length - 1 ? text : text.slice(0, 40).padEnd(widths[column]!)))
              .join('  '),
          );
        console.log(`${page.rows.length} of ${page.total} ${options.scope} runs`);
      },
    );
  runsCommand
    .command('export [runIds...]')
    .description(
      'Export runs as CSV (one row per run) or JSON (full specs, summaries and metric series): the given runs, or every run the filter matches.',
    )
    .requiredOption('--project <dir>', 'the project')
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
    .option('--filter <conditions>', 'without run ids: the runs matching these conditions')
    .addOption(scopeOption())
    .option('--columns <keys>', 'CSV columns, comma-separated (default: every column the runs have)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(
      async (
        runIds: string[],
        options: {
          project: string;
          format: 'csv' | 'json';
          filter?: string;
          scope: RunScope;
          columns?: string;
          out?: string;
        },
      ) => {
        await project.open({ path: options.project });
        const ids = runIds.length
          ? runIds
          : await runs.runIds({ conditions: parseFilterOption(options.filter), scope: options.scope });
        if (ids.length === 0) throw new StudioError('not_found', 'No run matches; nothing to export.');
        const result = await runs.exportRuns({
          runIds: ids,
          format: options.format,
          columns: options.columns ? splitList(options.columns) : undefined,
        });
        if (options.out) {
          fs.writeFileSync(options.out, result.text);
          console.error(`wrote ${ids.length} runs to ${options.out}`);
        } else process.stdout.write(result.text);
      },
    );
  runsCommand
    .command('tag <runIds...>')
    .description('Add, remove or set the tags of runs.')
    .requiredOption('--project <dir>', 'the project')
    .option('--add <tags>', 'comma-separated tags to add')
    .option('--remove <tags>', 'comma-separated tags to remove')
    .option('--set <tags>', "replace the runs' tags with these (empty: no tags)")
    .action(async (runIds: string[], options: { project: string; add?: string; remove?: string; set?: string }) => {
      await project.open({ path: options.project });
      if (options.add === undefined && options.remove === undefined && options.set === undefined)
        throw new StudioError('invalid_input', 'Give --add, --remove or --set.');
      let changed = 0;
      if (options.set !== undefined) changed += (await runs.setTags({ runIds, tags: splitList(options.set) })).changed;
      if (options.add !== undefined) changed += (await runs.addTags({ runIds, tags: splitList(options.add) })).changed;
      if (options.remove !== undefined)
        changed += (await runs.removeTags({ runIds, tags: splitList(options.remove) })).changed;
      console.log(`changed=${changed}`);
    });
  runsCommand
    .command('note <runId> [text...]')
    .description("Set a run's note (no text clears it).")
    .requiredOption('--project <dir>', 'the project')
    .action(async (runId: string, words: string[], options: { project: string }) => {
      await project.open({ path: options.project });
      console.log(`changed=${(await runs.setNote({ runIds: [runId], note: words.join(' ') })).changed}`);
    });
  const lifecycleCommands: [
    name: string,
    description: string,
    apply: (runIds: string[]) => Promise<{ changed: number }>,
  ][] = [
    ['star', 'Star runs.', (runIds) => runs.setStarred({ runIds, starred: true })],
    ['unstar', 'Remove the star of runs.', (runIds) => runs.setStarred({ runIds, starred: false })],
    [
      'archive',
      'Archive runs: hidden from the active list, kept as they are.',
      (runIds) => runs.archiveRuns({ runIds }),
    ],
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
    .description(
      'Remove deleted runs for good, with their checkpoints and models: the given ones, or every deleted run.',
    )
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
      const show = (value: RunValue) =>
        value === null ? '—' : typeof value === 'number' ? String(Number(value.toPrecision(5))) : String(value);
      const table = [
        ['', ...comparison.runs.map((run) => run.id)],
        ...comparison.configDiff.map((row) => [row.key, ...row.values.map(show)]),
        ...comparison.stats.map((stat) => [
          `${stat.label}${stat.unit ? ` (${stat.unit})` : ''}`,
          ...stat.values.map((value, i) => `${show(value)}${stat.best.includes(i) ? ' *' : ''}`),
        ]),
      ];
      const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
      for (const line of table)
        console.log(
          line
            .map((text, column) => text.padEnd(widths[column]!))
            .join('  ')
            .trimEnd(),
        );
    });
  runsCommand
    .command('resume <runId>')
    .description(
      'Continue a cancelled, failed or interrupted run from its last checkpoint (refused while another process trains it).',
    )
    .requiredOption('--project <dir>', 'the project')
    .action(async (runId: string, options: { project: string }) => {
      await project.open({ path: options.project });
      const finished = new Promise<TrainingProgress>((resolve) => {
        training.onDidProgress((progress) => {
          if (progress.runId === runId && progress.status !== 'running') resolve(progress);
        });
      });
      await training.resumeRun({ runId });
      const stopping = stopOnSignals((signal) => void training.cancelRun({ runId, reason: `stopped by ${signal}` }));
      const end = await finished;
      stopping.dispose();
      console.log(`status=${end.status}`);
      console.log(`message=${end.message}`);
      if (reportInterrupted(runId, options.project, end, stopping)) return;
      if (end.status !== 'done') process.exitCode = EXIT.failure;
    });
}
