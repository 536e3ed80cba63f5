import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { FeatureSpec, FeatureStats } from '../../../src-shared/model/FeatureSpec.ts';
import { createRandom } from '../../../src-shared/random/createRandom.ts';
import { planDataset, type DatasetItem, type Split } from '../../../src-shared/training/planDataset.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import { getRun } from '../runs/store/getRun.ts';
import { readRunArtifacts } from '../runs/store/readRunArtifacts.ts';
import { balancedSubset } from './balancedSubset.ts';
import { ExampleMaker } from './ExampleMaker.ts';
import { prepareExamples } from './prepareExamples.ts';
import type { ReportProgress } from './progressReporter.ts';
import { rawExamples } from './rawExamples.ts';
import { projectRunSource, type RunSource } from './RunSource.ts';
import { NORMALIZATION_ARTIFACT, readRunNormalization } from '../runs/runNormalization.ts';

export interface RunModelInputsOptions {
  split: Split;
  /**
   * At most this many examples: a deterministic subset spread evenly over each class's examples in
   * plan order, classes as equal as their sizes allow (a calibration set). All when absent.
   */
  limit?: number | undefined;
  progress?: ReportProgress | undefined;
  signal?: AbortSignal | undefined;
}

/** A finished run's model inputs for one split: what its model saw when the run tested it. */
export interface RunModelInputs {
  runId: string;
  /** Class names in model output order. */
  classes: string[];
  split: Split;
  /** Each input's clip and class, in plan order (`_silence_` examples have no clip and are left out). */
  items: { clipId: number; label: string; classIndex: number }[];
  /** frames × bins, time-major, normalized: exactly what the run's evaluation fed its model. */
  inputs: Float32Array[];
  shape: [number, number, 1];
  normalization: {
    kind: FeatureSpec['normalization'];
    mean: Float32Array | null;
    std: Float32Array | null;
    /** Dataset statistics read from the run's normalization.json, or recomputed from its training split (runs recorded before the file). */
    statistics: 'recorded' | 'recomputed' | null;
  };
}

/**
 * The inputs a finished run's model got for `split`, made by the training pipeline itself: the data
 * plan from the run's snapshot and seed, raw features through the project's feature cache (missing
 * ones computed and cached, as training does), normalized as training did, with the dataset
 * statistics the run recorded (or, for runs older than that record, recomputed from the training
 * split by prepareExamples without decoding the audio training would augment). Only the chosen
 * examples' features are read. An empty split gives no inputs.
 */
export async function runModelInputs(
  project: OpenProject,
  runId: string,
  options: RunModelInputsOptions,
): Promise<RunModelInputs> {
  const { split } = options;
  const run = getRun(project.db, runId);
  if (!run) throw new StudioError('not_found', `Run ${runId} does not exist in this project.`);
  if (run.status !== 'done' || !run.summary) {
    throw new StudioError(
      'invalid_input',
      `Run ${runId} is ${run.status === 'done' ? 'done but recorded no results' : run.status}; only a finished run has model inputs.`,
    );
  }
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 1))
    throw new StudioError('invalid_input', `The limit must be a whole number of at least 1, not ${options.limit}.`);
  const source = projectRunSource(project, runId);
  const { spec } = source;
  const progress = options.progress ?? (() => undefined);
  const signal = options.signal ?? new AbortController().signal;

  const plan = planDataset(source.clips, spec.data, spec.seed);
  if (plan.classes.join('\n') !== run.summary.classes.join('\n')) {
    throw new StudioError(
      'internal',
      `Run ${runId}'s snapshot now plans the classes ${plan.classes.join(', ')}, not the ${run.summary.classes.join(', ')} it trained with; its inputs cannot be made again.`,
    );
  }
  const withClips = plan.items[split].filter((item): item is DatasetItem & { clipId: number } => item.clipId !== null);
  const chosen = options.limit === undefined ? withClips : balancedSubset(withClips, options.limit);

  // A clip's example, with training off, uses neither random numbers nor noise: these need only the chosen clips.
  const audio = new Map<number, Float32Array>();
  const maker = new ExampleMaker(spec.features, spec.data, audio, []);
  let statistics: RunModelInputs['normalization']['statistics'] = null;
  if (spec.features.normalization === 'dataset') {
    const recorded = recordedStats(project, runId, maker.bins);
    statistics = recorded ? 'recorded' : 'recomputed';
    maker.stats = recorded ?? (await recomputedStats(source, progress, signal));
  }
  const items: Record<Split, DatasetItem[]> = { train: [], validation: [], test: [] };
  items[split] = chosen;
  const raw = await rawExamples({
    source,
    plan: { classes: plan.classes, items, noise: [] },
    maker,
    audio,
    audioNeeded: new Set(),
    progress,
    signal,
  });
  // As prepareExamples readies the validation and test sets (and finishRun the training set).
  const inputs = raw[split].map((features) => maker.finish(features.slice(), false, createRandom(0)));
  return {
    runId,
    classes: plan.classes,
    split,
    items: chosen.map(({ clipId, label, classIndex }) => ({ clipId, label, classIndex })),
    inputs,
    shape: [maker.frames, maker.bins, 1],
    normalization: {
      kind: spec.features.normalization,
      mean: maker.stats?.mean ?? null,
      std: maker.stats?.std ?? null,
      statistics,
    },
  };
}

/** The statistics the run recorded, or null for a run finished before they were recorded. */
function recordedStats(project: OpenProject, runId: string, bins: number): FeatureStats | null {
  const artifact = readRunArtifacts(project.db, runId).find((entry) => entry.kind === NORMALIZATION_ARTIFACT);
  if (!artifact) return null;
  const file = path.join(project.layout.runs, runId, artifact.path);
  if (!fs.existsSync(file))
    throw new StudioError('not_found', `Run ${runId} lost its dataset normalization record ${file}.`);
  try {
    return readRunNormalization(file, bins);
  } catch (error) {
    throw new StudioError('io_error', `Run ${runId}: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

/** Dataset statistics as the run computed them: prepareExamples over its whole plan, training audio left undecoded. */
async function recomputedStats(
  source: RunSource,
  progress: ReportProgress,
  signal: AbortSignal,
): Promise<FeatureStats> {
  const prepared = await prepareExamples({ source, progress, signal, featuresOnly: true });
  return prepared.maker.stats!;
}
