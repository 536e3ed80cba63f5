import { describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../../../src-shared/contract/events.ts';
import type { ProjectInfo } from '../../../../src-shared/model/ProjectInfo.ts';
import type {
  ClipDifferencesInput,
  CompareRunsInput,
  LikelyMislabeledInput,
  RunService,
} from '../../../../src-shared/contract/RunService.ts';
import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import type {
  ClipDifference,
  ClipDifferences,
  ComparedRun,
  LikelyMislabeled,
  RunComparison,
} from '../../../../src-shared/model/RunComparison.ts';
import type { RunSelection, RunsChangedEvent } from '../../../../src-shared/model/RunTable.ts';
import { CompareState, MAX_COMPARED_RUNS } from '../../../../src-renderer/lib/state/CompareState.svelte.ts';
import { HashRouter } from '../../../../src-renderer/lib/state/HashRouter.svelte.ts';
import { LibraryState } from '../../../../src-renderer/lib/state/LibraryState.svelte.ts';
import { StudioState } from '../../../../src-renderer/lib/state/StudioState.svelte.ts';
import { ToastState } from '../../../../src-renderer/lib/state/ToastState.svelte.ts';
import { inMemoryServices, settle } from '../../../support/inMemoryServices.ts';
import { inMemoryLibrary } from '../curation/inMemoryLibrary.ts';

/**
 * The comparison part of the run service in memory: the project's runs by id, each clip's prediction
 * per run (right when it matches the clip's label), and the library's labels now for `currentLabel`.
 */
class InMemoryCompareRuns implements Partial<RunService> {
  private readonly changed = new Emitter<RunsChangedEvent>();
  readonly onDidChangeRuns = this.changed.event;

  constructor(
    readonly runIds_: string[],
    /** Run id → clip id → what the run predicted for it. */
    readonly predicted: Record<string, Record<number, string>>,
    readonly trainedLabels: Record<number, string>,
    readonly labelNow: (clipId: number) => string | null,
  ) {}

  async runIds(_selection: RunSelection): Promise<string[]> {
    return _selection.scope === 'active' ? [...this.runIds_] : [];
  }

  async compareRuns({ runIds, baselineRunId }: CompareRunsInput): Promise<RunComparison> {
    for (const id of runIds) this.need(id);
    return {
      runs: runIds.map((id) => ({ id, name: `name of ${id}` }) as ComparedRun),
      baselineRunId: baselineRunId ?? runIds[0]!,
      configDiff: [],
      metricKeys: [],
      confusions: runIds.map(() => null),
      confusionDifferences: [],
      perClass: [],
      stats: [],
    };
  }

  async clipDifferences({ baseRunId, otherRunId, split }: ClipDifferencesInput): Promise<ClipDifferences> {
    const base = this.need(baseRunId);
    const other = this.need(otherRunId);
    const differences: ClipDifference[] = Object.keys(this.trainedLabels)
      .map(Number)
      .filter((clipId) => base[clipId] !== other[clipId])
      .map((clipId) => {
        const label = this.trainedLabels[clipId]!;
        const kind = base[clipId] === label ? 'broken' : other[clipId] === label ? 'fixed' : 'both_wrong';
        return {
          kind,
          clipId,
          originalName: `clip${clipId}.wav`,
          split: 'test',
          label,
          otherLabel: label,
          currentLabel: this.labelNow(clipId),
          trashed: false,
          basePredicted: base[clipId]!,
          baseConfidence: 0.9,
          otherPredicted: other[clipId]!,
          otherConfidence: 0.95,
        };
      });
    const of = (kind: ClipDifference['kind']) => differences.filter((item) => item.kind === kind);
    return {
      baseRunId,
      otherRunId,
      split: split ?? null,
      compared: Object.keys(this.trainedLabels).length,
      baseCorrect: 0,
      otherCorrect: 0,
      counts: { fixed: of('fixed').length, broken: of('broken').length, both_wrong: of('both_wrong').length },
      fixed: of('fixed'),
      broken: of('broken'),
      bothWrong: of('both_wrong'),
    };
  }

  async likelyMislabeled({ runId, minConfidence }: LikelyMislabeledInput): Promise<LikelyMislabeled> {
    const predicted = this.need(runId);
    const rows = Object.entries(this.trainedLabels)
      .map(([id, label]) => ({ clipId: Number(id), label }))
      .filter(({ clipId, label }) => predicted[clipId] !== label)
      .map(({ clipId, label }) => ({
        clipId,
        originalName: `clip${clipId}.wav`,
        split: 'test',
        label,
        currentLabel: this.labelNow(clipId),
        predicted: predicted[clipId]!,
        confidence: 0.97,
        suggestedLabel: predicted[clipId]!,
        relabeledToPrediction: this.labelNow(clipId) === predicted[clipId],
        relabeled: this.labelNow(clipId) !== label,
        trashed: false,
      }));
    return { runId, minConfidence: minConfidence ?? 0.9, total: rows.length, rows };
  }

  private need(runId: string): Record<number, string> {
    const predicted = this.predicted[runId];
    if (!this.runIds_.includes(runId) || !predicted)
      throw new StudioError('not_found', `No run ${runId} in this project.`);
    return predicted;
  }
}

/** The parts of a window the router uses. */
function fakeWindow() {
  return {
    location: { hash: '' } as Location,
    history: { pushState: () => undefined, replaceState: () => undefined } as unknown as History,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  };
}

const ids = Array.from({ length: 10 }, (_, index) => `run-${index + 1}`);

/**
 * Ten runs over three test clips labeled "yes": run-1 gets clip 1 wrong, run-2 gets it right and
 * clip 2 wrong; the rest get every clip right.
 */
function compareState() {
  const backend = inMemoryLibrary({ 1: 'yes', 2: 'yes', 3: 'yes' }, { '1': 'yes', '2': 'no' });
  const predicted: Record<string, Record<number, string>> = {};
  for (const id of ids) predicted[id] = { 1: 'yes', 2: 'yes', 3: 'yes' };
  predicted['run-1'] = { 1: 'no', 2: 'yes', 3: 'yes' };
  predicted['run-2'] = { 1: 'yes', 2: 'no', 3: 'yes' };
  const runs = new InMemoryCompareRuns([...ids], predicted, { 1: 'yes', 2: 'yes', 3: 'yes' }, backend.labelOf);
  const projectChanged = new Emitter<ProjectInfo | null>();
  const server = inMemoryServices({
    runs,
    library: backend.services.library,
    project: { onDidChangeProject: projectChanged.event },
  });
  const toasts = new ToastState();
  const studio = new StudioState(server.services, 'serve', toasts, new HashRouter(fakeWindow()));
  const library = new LibraryState(server.services, toasts);
  const state = new CompareState(server.services, studio, library, toasts);
  const messages = () => toasts.toasts.map((toast) => `${toast.kind}: ${toast.message}`);
  return { state, studio, runs, backend, server, projectChanged, messages };
}

describe('CompareState', () => {
  it('opens runs side by side on the Compare page, the first the baseline, and loads both clip lists', async () => {
    const { state, studio, server } = compareState();
    state.open(['run-1', 'run-2', 'run-1']);
    expect(studio.page).toBe('compare');
    expect(state.runIds).toEqual(['run-1', 'run-2']);
    expect(state.baselineRunId).toBe('run-1');
    expect(state.loading).toBe(true);
    await vi.waitFor(() => expect(state.mislabeled).not.toBeNull());
    expect(state.loading).toBe(false);
    expect(server.inputs('runs.compareRuns')).toEqual([{ runIds: ['run-1', 'run-2'], baselineRunId: 'run-1' }]);
    expect(state.runs.map((run) => run.name)).toEqual(['name of run-1', 'name of run-2']);
    expect(state.nameOf('run-2')).toBe('name of run-2');
    // Clip 1: wrong in the baseline, right in run-2; clip 2 the reverse.
    expect(server.inputs('runs.clipDifferences')).toEqual([{ baseRunId: 'run-1', otherRunId: 'run-2', limit: 500 }]);
    expect(state.differences?.fixed.map((clip) => clip.clipId)).toEqual([1]);
    expect(state.differences?.broken.map((clip) => clip.clipId)).toEqual([2]);
    expect(server.inputs('runs.likelyMislabeled')).toEqual([{ runId: 'run-1', minConfidence: 0.9, limit: 200 }]);
    expect(state.mislabeled?.rows.map((row) => row.clipId)).toEqual([1]);
  });

  it('compares at most eight runs, each once, and keeps each run’s colour as others come and go', async () => {
    const { state, server } = compareState();
    state.open(ids);
    expect(state.runIds).toEqual(ids.slice(0, MAX_COMPARED_RUNS));
    state.addRun('run-9');
    state.addRun('run-3');
    expect(state.runIds).toHaveLength(MAX_COMPARED_RUNS);
    const colourOf3 = state.colorOf('run-3');
    expect(new Set(state.runIds.map((id) => state.colorOf(id))).size).toBe(MAX_COMPARED_RUNS);

    state.removeRun('run-1');
    expect(state.baselineRunId).toBe('run-2');
    state.removeRun('run-2');
    expect(state.baselineRunId).toBe('run-3');
    expect(state.colorOf('run-3')).toBe(colourOf3);
    state.addRun('run-9');
    expect(state.runIds).toContain('run-9');
    await vi.waitFor(() => expect(state.comparison?.runs.map((run) => run.id)).toEqual(state.runIds));
    expect(state.comparison?.baselineRunId).toBe('run-3');
    // Each refresh asked for the runs on screen then; none asked for more than eight.
    const asked = server.inputs('runs.compareRuns') as CompareRunsInput[];
    expect(asked.every((input) => input.runIds.length >= 2 && input.runIds.length <= MAX_COMPARED_RUNS)).toBe(true);
  });

  it('with one run left, shows no comparison and asks for none, but lists that run’s likely mislabeled clips', async () => {
    const { state, server } = compareState();
    state.open(['run-1', 'run-2']);
    await vi.waitFor(() => expect(state.comparison).not.toBeNull());
    const compared = server.inputs('runs.compareRuns').length;
    state.removeRun('run-1');
    expect(state.comparison).toBeNull();
    expect(state.differences).toBeNull();
    await vi.waitFor(() => expect(state.mislabeled?.runId).toBe('run-2'));
    expect(server.inputs('runs.compareRuns')).toHaveLength(compared);
  });

  it('measures against a new baseline, and drops the comparison for the old one when it arrives late', async () => {
    const { state, server } = compareState();
    const replies = server.hold('runs.compareRuns');
    state.open(['run-1', 'run-2', 'run-3']);
    state.setBaseline('run-2');
    await vi.waitFor(() => expect(replies.waiting).toHaveLength(2));
    await replies.release(1);
    expect(state.comparison?.baselineRunId).toBe('run-2');
    expect(state.loading).toBe(false);
    await replies.release(0);
    expect(state.comparison?.baselineRunId).toBe('run-2');
    expect(replies.waiting.map((call) => call.input)).toEqual([]);
    await vi.waitFor(() => expect(state.differences?.baseRunId).toBe('run-2'));
    expect(state.otherRun).toBe('run-1');
    expect(state.mislabeled?.runId).toBe('run-2');
  });

  it('says which run the comparison could not find', async () => {
    const { state } = compareState();
    state.open(['run-1', 'run-404']);
    await vi.waitFor(() => expect(state.error).toBe('No run run-404 in this project.'));
    expect(state.comparison).toBeNull();
    expect(state.loading).toBe(false);
  });

  it('loads the clip differences for the run and split chosen, and drops a list that arrives late', async () => {
    const { state, server } = compareState();
    state.open(['run-1', 'run-2', 'run-3']);
    await vi.waitFor(() => expect(state.differences).not.toBeNull());
    const replies = server.hold('runs.clipDifferences');
    state.setOther('run-2');
    state.setOther('run-3');
    state.setDiffSplit('test');
    expect(replies.waiting.map((call) => call.input)).toEqual([
      { baseRunId: 'run-1', otherRunId: 'run-2', limit: 500 },
      { baseRunId: 'run-1', otherRunId: 'run-3', limit: 500 },
      { baseRunId: 'run-1', otherRunId: 'run-3', split: 'test', limit: 500 },
    ]);
    await replies.release(2);
    expect(state.differences).toMatchObject({ otherRunId: 'run-3', split: 'test', counts: { fixed: 1 } });
    await replies.releaseAll();
    expect(state.differences).toMatchObject({ otherRunId: 'run-3', split: 'test' });

    // Swapping the runs: "fixed by run-3" becomes "broken by run-1".
    state.swapDiffRuns();
    expect(state.baselineRunId).toBe('run-3');
    await vi.waitFor(() => expect(state.differences?.baseRunId).toBe('run-3'));
    expect(state.differences?.otherRunId).toBe('run-1');
    expect(state.differences?.broken.map((clip) => clip.clipId)).toEqual([1]);
  });

  it('says why a clip list could not load, and loads the likely mislabeled clips at the confidence chosen', async () => {
    const { state, runs, server } = compareState();
    state.open(['run-1', 'run-2']);
    await vi.waitFor(() => expect(state.mislabeled).not.toBeNull());
    delete runs.predicted['run-2'];
    state.setDiffSplit('validation');
    await vi.waitFor(() => expect(state.differencesError).toBe('No run run-2 in this project.'));
    expect(state.differences).toBeNull();

    state.setMinConfidence(0.5);
    state.setMislabeledRun('run-2');
    await vi.waitFor(() => expect(state.mislabeledError).toBe('No run run-2 in this project.'));
    expect(state.mislabeled).toBeNull();
    expect(server.inputs('runs.likelyMislabeled').at(-1)).toEqual({ runId: 'run-2', minConfidence: 0.5, limit: 200 });
  });

  it('relabels a clip through the Library’s edit path, shows it at once, and reloads the lists on the change', async () => {
    const { state, backend, server, messages } = compareState();
    const stop = state.start();
    state.open(['run-1', 'run-2']);
    await vi.waitFor(() => expect(state.mislabeled).not.toBeNull());
    const listed = server.inputs('runs.likelyMislabeled').length;

    expect(await state.curation.relabel(1, 'no')).toBe(true);
    expect(server.inputs('library.setLabel')).toEqual([{ clipIds: [1], label: 'no' }]);
    expect(backend.labelOf(1)).toBe('no');
    expect(messages()).toEqual(['success: Label 1 clip as no · Ctrl+Z undoes']);
    expect(state.curation.labelNow(1, 'yes')).toBe('no');

    // The library-change event reloads both lists, which now carry the label themselves.
    await vi.waitFor(() => expect(server.inputs('runs.likelyMislabeled')).toHaveLength(listed + 1));
    await vi.waitFor(() => expect(state.curation.relabeledHere(1)).toBe(false));
    expect(state.mislabeled?.rows[0]).toMatchObject({ clipId: 1, currentLabel: 'no', relabeledToPrediction: true });
    expect(state.differences?.fixed[0]?.currentLabel).toBe('no');

    // A relabel the library refuses is said, and nothing is shown as relabeled.
    backend.failNextEdit(new Error('The project is read-only.'));
    expect(await state.curation.relabel(2, 'no')).toBe(false);
    expect(state.curation.relabeledHere(2)).toBe(false);
    expect(messages().at(-1)).toBe('error: The project is read-only.');
    stop();
  });

  it('leaves out runs an address names that the project no longer has, and says which', async () => {
    const { state, server } = compareState();
    await state.follow({ runs: 'run-1,run-gone,run-2', baseline: 'run-gone' });
    expect(state.runIds).toEqual(['run-1', 'run-2']);
    expect(state.baselineRunId).toBe('run-1');
    expect(state.linkNote).toBe(
      'A run in this address is no longer in the project (deleted, or never in it) and was left out: run-gone.',
    );
    await vi.waitFor(() => expect(state.comparison).not.toBeNull());
    expect(server.inputs('runs.compareRuns')).toEqual([{ runIds: ['run-1', 'run-2'], baselineRunId: 'run-1' }]);
  });

  it('forgets everything of a project that was closed', async () => {
    const { state, projectChanged } = compareState();
    const stop = state.start();
    state.open(['run-1', 'run-2']);
    await vi.waitFor(() => expect(state.mislabeled).not.toBeNull());
    projectChanged.fire(null);
    await settle();
    expect(state.runIds).toEqual([]);
    expect(state.baselineRunId).toBeNull();
    expect(state.comparison).toBeNull();
    expect(state.differences).toBeNull();
    expect(state.mislabeled).toBeNull();
    stop();
  });
});
