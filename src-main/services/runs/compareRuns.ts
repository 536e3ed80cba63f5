import { bestPerClass } from '../../../src-shared/compare/bestPerClass.ts';
import { configDiff } from '../../../src-shared/compare/configDiff.ts';
import { confusionDifference } from '../../../src-shared/compare/confusionDifference.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { CompareRunsInput } from '../../../src-shared/contract/RunService.ts';
import type { RunSummary } from '../../../src-shared/model/Run.ts';
import type { RunComparison, RunConfusion, StatComparison } from '../../../src-shared/model/RunComparison.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { readRunDetails } from './readRunDetails.ts';

type StatDefinition = Omit<StatComparison, 'values' | 'best'> & { read: (summary: RunSummary) => number };

const statDefinitions: readonly StatDefinition[] = [
  { key: 'test_accuracy', label: 'Test accuracy', unit: '', better: 'higher', read: (s) => s.testAccuracy },
  {
    key: 'validation_accuracy',
    label: 'Validation accuracy',
    unit: '',
    better: 'higher',
    read: (s) => s.validationAccuracy,
  },
  { key: 'parameters', label: 'Parameters', unit: '', better: 'lower', read: (s) => s.model.params },
  { key: 'macs', label: 'MACs', unit: '', better: 'lower', read: (s) => s.model.macs },
  { key: 'size_kb', label: 'Size (float32)', unit: 'KiB', better: 'lower', read: (s) => s.model.sizeBytes / 1024 },
  {
    key: 'gzip_kb',
    label: 'Compressed size (gzip)',
    unit: 'KiB',
    better: 'lower',
    read: (s) => s.model.gzipBytes / 1024,
  },
  { key: 'sparsity', label: 'Sparsity', unit: '', better: null, read: (s) => s.model.sparsity },
  { key: 'latency_ms', label: 'Latency (features + model)', unit: 'ms', better: 'lower', read: (s) => s.latencyMs },
  { key: 'train_seconds', label: 'Training time', unit: 's', better: 'lower', read: (s) => s.trainSeconds },
  { key: 'epochs_trained', label: 'Epochs trained', unit: '', better: null, read: (s) => s.epochs },
];

/** Everything the comparison page shows for 2–8 runs. */
export function compareRuns(db: ProjectDatabase, { runIds, baselineRunId }: CompareRunsInput): RunComparison {
  if (new Set(runIds).size !== runIds.length)
    throw new StudioError('invalid_input', 'A run is listed twice; compare distinct runs.');
  if (runIds.length < 2 || runIds.length > 8)
    throw new StudioError('invalid_input', `Compare 2 to 8 runs (got ${runIds.length}).`);
  const baseline = baselineRunId ?? runIds[0]!;
  if (!runIds.includes(baseline))
    throw new StudioError('invalid_input', `The baseline ${baseline} is not one of the compared runs.`);
  const runs = readRunDetails(db, runIds);

  const confusions: (RunConfusion | null)[] = runs.map((run) =>
    run.summary
      ? { runId: run.id, classes: [...run.summary.classes], confusion: run.summary.confusion.map((row) => [...row]) }
      : null,
  );
  const base = confusions[runIds.indexOf(baseline)];
  const confusionDifferences = base
    ? confusions.flatMap((other) =>
        other && other.runId !== baseline
          ? [{ runId: other.runId, baselineRunId: baseline, ...confusionDifference(base, other) }]
          : [],
      )
    : [];

  const stats = statDefinitions.map(({ read, ...definition }): StatComparison => {
    const values = runs.map((run) => (run.summary ? read(run.summary) : null));
    const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
    const target =
      definition.better === 'higher'
        ? Math.max(...present)
        : definition.better === 'lower'
          ? Math.min(...present)
          : null;
    const best =
      target === null || present.length < 2 ? [] : values.flatMap((value, index) => (value === target ? [index] : []));
    return { ...definition, values, best };
  });

  return {
    runs: runs.map((run) => ({
      id: run.id,
      name: run.name,
      status: run.status,
      error: run.error,
      sweepId: run.sweepId,
      sweepName: run.sweepName,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      tags: run.tags,
      note: run.note,
      starred: run.starred,
      spec: run.spec,
      summary: run.summary,
      series: run.series,
    })),
    baselineRunId: baseline,
    // A spec's name is the run's name, already the column header.
    configDiff: configDiff(runs.map(({ spec: { name: _name, ...settings } }) => settings)),
    metricKeys: [...new Set(runs.flatMap((run) => Object.keys(run.series)))].sort(),
    confusions,
    confusionDifferences,
    perClass: bestPerClass(runs.map((run) => run.summary?.perClass ?? [])),
    stats,
  };
}
