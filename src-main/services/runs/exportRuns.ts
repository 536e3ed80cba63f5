import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ExportRunsInput } from '../../../src-shared/contract/RunService.ts';
import type { RunExport } from '../../../src-shared/model/RunComparison.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { appVersion } from '../appVersion.ts';
import { readRunDetails } from './readRunDetails.ts';
import type { RunIndex } from './RunIndex.ts';
import { requireRuns } from './store/requireRuns.ts';
import { toCsv } from './toCsv.ts';

/** What a JSON export holds: enough to read every number back, and to train any run again from its spec. */
export const runExportFormat = 'kws-studio.runs';

/**
 * Runs as CSV, one row per run with the chosen columns (every column the runs have by default), or
 * as JSON with each run's full spec, summary, run-table values and metric series.
 */
export function exportRuns(
  db: ProjectDatabase,
  index: RunIndex,
  { runIds, format, columns }: ExportRunsInput,
): RunExport {
  if (runIds.length === 0) throw new StudioError('invalid_input', 'Select at least one run to export.');
  requireRuns(db, runIds);
  const ids = [...new Set(runIds)];
  const rows = ids.map((id) => index.get(id)!);
  const date = new Date().toISOString().slice(0, 10);
  if (format === 'csv') {
    const known = new Set(index.columns().map((column) => column.key));
    const unknown = (columns ?? []).filter((key) => !known.has(key));
    if (unknown.length)
      throw new StudioError(
        'invalid_input',
        `No run has the column${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}.`,
      );
    const keys = (
      columns ??
      index
        .columns()
        .filter((column) => rows.some((row) => row.values[column.key] != null))
        .map((column) => column.key)
    ).filter((key) => key !== 'id');
    const text = toCsv(
      ['id', ...keys],
      rows.map((row) => [row.id, ...keys.map((key) => row.values[key] ?? null)]),
    );
    return { format, fileName: `kws-runs-${date}.csv`, mimeType: 'text/csv', text };
  }
  const details = readRunDetails(db, ids);
  const document = {
    format: runExportFormat,
    version: 1,
    exportedAt: new Date().toISOString(),
    appVersion,
    runs: details.map((run, i) => ({ ...run, values: rows[i]!.values })),
  };
  return {
    format,
    fileName: `kws-runs-${date}.json`,
    mimeType: 'application/json',
    text: `${JSON.stringify(document, null, 2)}\n`,
  };
}
