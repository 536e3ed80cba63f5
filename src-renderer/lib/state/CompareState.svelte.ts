import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import type {
  ClipDifferenceKind,
  ClipDifferences,
  LikelyMislabeled,
  RunComparison,
  SweepAnalysis,
} from '../../../src-shared/model/RunComparison.ts';
import type { RunColumn, RunRow } from '../../../src-shared/model/RunTable.ts';
import type { SweepInfo } from '../../../src-shared/model/Sweep.ts';
import { CurationLoop } from '../curation/CurationLoop.svelte.ts';
import { compareLinkParams, parseCompareLink } from './compareLink.ts';
import { LatestRequest } from './LatestRequest.ts';
import type { LibraryState } from './LibraryState.svelte.ts';
import type { StudioState } from './StudioState.svelte.ts';
import type { ToastState } from './ToastState.svelte.ts';

export const MAX_COMPARED_RUNS = 8;

/** One colour per compared run, told apart in both themes and by most colour-blind readers (Tableau 10). */
export const RUN_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#9c755f',
] as const;

export type ClipSplit = 'train' | 'validation' | 'test';

/**
 * The Compare page's state: the 2–8 runs side by side with their baseline and colours, the
 * clip-level differences of two of them, one run's likely mislabeled clips, and a sweep's analysis.
 * Other pages call `open(runIds)` or `openSweep(sweepId)`; both switch to the Compare page.
 * Relabeling (`curation`) goes through the Library's own edit path, so it is the same undoable change.
 */
export class CompareState {
  /** Which half of the page shows: runs side by side, or one sweep's analysis. */
  view = $state<'runs' | 'sweep'>('runs');
  runIds = $state<string[]>([]);
  baselineRunId = $state<string | null>(null);
  comparison = $state<RunComparison | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Runs offered by the "add a run" picker, newest first. */
  choices = $state<RunRow[]>([]);
  /** Palette slot of each run ever shown, so a run keeps its colour when others come and go. */
  private slots = $state<Record<string, number>>({});

  /** The run measured against the baseline in the clip lists; null picks the first other run. */
  otherRunId = $state<string | null>(null);
  diffSplit = $state<ClipSplit | null>(null);
  diffKind = $state<ClipDifferenceKind>('fixed');
  differences = $state<ClipDifferences | null>(null);
  differencesError = $state<string | null>(null);

  mislabeledRunId = $state<string | null>(null);
  minConfidence = $state(0.9);
  mislabeled = $state<LikelyMislabeled | null>(null);
  mislabeledError = $state<string | null>(null);
  /** Relabels from both clip lists: the Library's undoable edits, shown at once while the lists reload. */
  readonly curation: CurationLoop;

  sweeps = $state<SweepInfo[]>([]);
  sweepId = $state<string | null>(null);
  sweepMetric = $state('val_accuracy');
  analysis = $state<SweepAnalysis | null>(null);
  analysisError = $state<string | null>(null);
  /** Numeric metric and statistic keys of the run table: what a sweep can be judged by. */
  metricColumns = $state<RunColumn[]>([]);

  /** The compared runs in page order, as far as the comparison has arrived. */
  runs = $derived(this.comparison?.runs ?? []);
  /** The run the clip lists compare with the baseline. */
  otherRun = $derived.by(() => {
    const others = this.runIds.filter((id) => id !== this.baselineRunId);
    return this.otherRunId && others.includes(this.otherRunId) ? this.otherRunId : (others[0] ?? null);
  });
  mislabeledRun = $derived(
    this.mislabeledRunId && this.runIds.includes(this.mislabeledRunId) ? this.mislabeledRunId : this.baselineRunId,
  );
  /** The page's address parameters, so a reload or a shared link shows the same comparison. */
  link = $derived(
    compareLinkParams(
      this.view === 'sweep'
        ? { view: 'sweep', sweepId: this.sweepId ?? '' }
        : { view: 'runs', runIds: this.runIds, baselineRunId: this.baselineRunId },
    ),
  );
  /** Runs an address named that the project no longer has, said on the page. */
  linkNote = $state<string | null>(null);

  private comparisonRequest = new LatestRequest();
  private differencesRequest = new LatestRequest();
  private mislabeledRequest = new LatestRequest();
  private analysisRequest = new LatestRequest();

  constructor(
    readonly services: ServiceTable,
    private readonly studio: StudioState,
    library: LibraryState,
    private readonly toasts: ToastState,
  ) {
    this.curation = new CurationLoop(library, toasts);
  }

  /** Follows project switches, label edits from anywhere (undo in the Library too) and run changes; call once. */
  start(): () => void {
    let labelTimer: ReturnType<typeof setTimeout> | undefined;
    let runTimer: ReturnType<typeof setTimeout> | undefined;
    const offProject = this.services.project.onDidChangeProject(() => this.reset());
    const offLibrary = this.services.library.onDidChangeLibrary(() => {
      clearTimeout(labelTimer);
      labelTimer = setTimeout(() => void this.reloadClipLists(), 50);
    });
    const offRuns = this.services.runs.onDidChangeRuns(({ runIds }) => {
      clearTimeout(runTimer);
      runTimer = setTimeout(() => {
        if (this.studio.page !== 'compare') return;
        void this.loadChoices();
        if (this.view === 'runs' && runIds.some((id) => this.runIds.includes(id))) void this.refresh();
        // A running sweep adds trials as it goes: any change may be one of its runs.
        if (this.view === 'sweep' && this.sweepId) void this.loadAnalysis();
      }, 300);
    });
    return () => {
      clearTimeout(labelTimer);
      clearTimeout(runTimer);
      offProject();
      offLibrary();
      offRuns();
    };
  }

  private reset(): void {
    this.runIds = [];
    this.baselineRunId = null;
    this.comparison = null;
    this.choices = [];
    this.differences = null;
    this.mislabeled = null;
    this.curation.forget();
    this.sweeps = [];
    this.sweepId = null;
    this.analysis = null;
    this.metricColumns = [];
    this.linkNote = null;
    this.error = this.differencesError = this.mislabeledError = this.analysisError = null;
  }

  /** Shows these runs side by side (the first is the baseline) on the Compare page. */
  open(runIds: string[]): void {
    this.setRuns(runIds.filter((id, index) => runIds.indexOf(id) === index).slice(0, MAX_COMPARED_RUNS));
    this.baselineRunId = this.runIds[0] ?? null;
    this.view = 'runs';
    this.linkNote = null;
    this.studio.page = 'compare';
    void this.refresh();
  }

  /**
   * Shows what an address asks for (a reload, Back, a pasted link): the runs at once, then, once
   * checked against the project, without those it no longer has (deleted, or never in it), with a note.
   */
  async follow(params: Record<string, string>): Promise<void> {
    const link = parseCompareLink(params, MAX_COMPARED_RUNS);
    if (!link) return;
    if (link.view === 'sweep') {
      if (this.view !== 'sweep' || this.sweepId !== link.sweepId) this.openSweep(link.sweepId);
      return;
    }
    const same =
      this.view === 'runs' && link.runIds.join() === this.runIds.join() && link.baselineRunId === this.baselineRunId;
    if (same) return;
    this.view = 'runs';
    this.setRuns(link.runIds);
    this.baselineRunId = link.baselineRunId;
    this.linkNote = null;
    // Held while the runs are checked, so the page does not load a comparison of runs that are gone.
    this.loading = true;
    let kept: string[];
    try {
      const scopes = await Promise.all(
        (['active', 'archived'] as const).map((scope) => this.services.runs.runIds({ conditions: [], scope })),
      );
      kept = scopes.flat();
    } catch (error) {
      this.toasts.error(error);
      return;
    } finally {
      this.loading = false;
    }
    // A later address or a click changed the runs meanwhile: that one is on screen now.
    if (this.view !== 'runs' || this.runIds.join() !== link.runIds.join()) return;
    const gone = link.runIds.filter((id) => !kept.includes(id));
    if (gone.length > 0) {
      this.setRuns(this.runIds.filter((id) => kept.includes(id)));
      if (!this.baselineRunId || !kept.includes(this.baselineRunId)) this.baselineRunId = this.runIds[0] ?? null;
      const one = gone.length === 1;
      this.linkNote = `${one ? 'A run' : `${gone.length} runs`} in this address ${one ? 'is' : 'are'} no longer in the project (deleted, or never in it) and ${one ? 'was' : 'were'} left out: ${gone.join(', ')}.`;
    }
    void this.refresh();
  }

  /** Shows a sweep's analysis (parallel coordinates, Pareto front, importance) on the Compare page. */
  openSweep(sweepId: string): void {
    this.sweepId = sweepId;
    this.view = 'sweep';
    this.studio.page = 'compare';
    void this.loadAnalysis();
  }

  /** A run's name, from the comparison or the picker's list. */
  nameOf(runId: string): string {
    return (
      this.runs.find((run) => run.id === runId)?.name ?? this.choices.find((row) => row.id === runId)?.name ?? runId
    );
  }

  colorOf(runId: string): string {
    return RUN_COLORS[(this.slots[runId] ?? 0) % RUN_COLORS.length]!;
  }

  addRun(runId: string): void {
    if (this.runIds.includes(runId) || this.runIds.length >= MAX_COMPARED_RUNS) return;
    this.setRuns([...this.runIds, runId]);
    this.baselineRunId ??= runId;
    void this.refresh();
  }

  removeRun(runId: string): void {
    this.setRuns(this.runIds.filter((id) => id !== runId));
    if (this.baselineRunId === runId) this.baselineRunId = this.runIds[0] ?? null;
    void this.refresh();
  }

  setBaseline(runId: string): void {
    this.baselineRunId = runId;
    void this.refresh();
  }

  private setRuns(runIds: string[]): void {
    const slots = { ...this.slots };
    const taken: number[] = [];
    const fresh: string[] = [];
    for (const id of runIds) {
      const slot = slots[id];
      if (slot !== undefined && !taken.includes(slot)) taken.push(slot);
      else fresh.push(id);
    }
    for (const id of fresh) {
      const slot = Math.max(
        0,
        RUN_COLORS.findIndex((_, index) => !taken.includes(index)),
      );
      slots[id] = slot;
      taken.push(slot);
    }
    this.slots = slots;
    this.runIds = runIds;
  }

  /** Loads what the page shows for the current runs: the comparison and both clip lists. */
  async refresh(): Promise<void> {
    const runIds = [...this.runIds];
    const request = this.comparisonRequest.next();
    if (runIds.length < 2) {
      this.comparison = null;
      this.differences = null;
      this.mislabeled = null;
      this.error = null;
      if (runIds.length === 1) void this.loadMislabeled();
      return;
    }
    this.loading = true;
    try {
      const comparison = await this.services.runs.compareRuns({
        runIds,
        baselineRunId: this.baselineRunId ?? undefined,
      });
      if (request.stale) return;
      this.comparison = comparison;
      this.error = null;
    } catch (error) {
      if (request.stale) return;
      this.comparison = null;
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (!request.stale) this.loading = false;
    }
    void this.reloadClipLists();
  }

  /** The runs the picker offers; the run table's newest 500. */
  async loadChoices(): Promise<void> {
    try {
      const page = await this.services.runs.queryRuns({
        conditions: [],
        sort: [{ key: 'created', direction: 'desc' }],
        scope: 'active',
        offset: 0,
        limit: 500,
      });
      this.choices = page.rows;
    } catch (error) {
      this.toasts.error(error);
    }
  }

  // ---- clips ----

  private async reloadClipLists(): Promise<void> {
    await Promise.all([this.loadDifferences(), this.loadMislabeled()]);
    // Fresh lists carry the current labels themselves.
    this.curation.forget();
  }

  setOther(runId: string): void {
    this.otherRunId = runId;
    void this.loadDifferences();
  }

  setDiffSplit(split: ClipSplit | null): void {
    this.diffSplit = split;
    void this.loadDifferences();
  }

  /** Swaps which run is the base of the clip lists: "fixed by B" becomes "broken by A". */
  swapDiffRuns(): void {
    const other = this.otherRun;
    if (!other || !this.baselineRunId) return;
    const base = this.baselineRunId;
    this.otherRunId = base;
    this.setBaseline(other);
  }

  async loadDifferences(): Promise<void> {
    const baseRunId = this.baselineRunId;
    const otherRunId = this.otherRun;
    const request = this.differencesRequest.next();
    if (!baseRunId || !otherRunId) {
      this.differences = null;
      return;
    }
    try {
      const differences = await this.services.runs.clipDifferences({
        baseRunId,
        otherRunId,
        split: this.diffSplit ?? undefined,
        limit: 500,
      });
      if (request.stale) return;
      this.differences = differences;
      this.differencesError = null;
    } catch (error) {
      if (request.stale) return;
      this.differences = null;
      this.differencesError = error instanceof Error ? error.message : String(error);
    }
  }

  setMislabeledRun(runId: string): void {
    this.mislabeledRunId = runId;
    void this.loadMislabeled();
  }

  setMinConfidence(value: number): void {
    this.minConfidence = value;
    void this.loadMislabeled();
  }

  async loadMislabeled(): Promise<void> {
    const runId = this.mislabeledRun;
    const request = this.mislabeledRequest.next();
    if (!runId) {
      this.mislabeled = null;
      return;
    }
    try {
      const list = await this.services.runs.likelyMislabeled({ runId, minConfidence: this.minConfidence, limit: 200 });
      if (request.stale) return;
      this.mislabeled = list;
      this.mislabeledError = null;
    } catch (error) {
      if (request.stale) return;
      this.mislabeled = null;
      this.mislabeledError = error instanceof Error ? error.message : String(error);
    }
  }

  // ---- sweeps ----

  /** The project's sweeps for the picker, and the metrics a sweep can be judged by. */
  async loadSweeps(): Promise<void> {
    try {
      const [sweeps, columns] = await Promise.all([this.services.sweeps.listSweeps(), this.services.runs.columns()]);
      this.sweeps = sweeps;
      this.metricColumns = columns.filter(
        (column) => (column.kind === 'metric' || column.kind === 'stat') && column.type === 'number',
      );
      if (!this.sweepId && sweeps[0] && this.view === 'sweep') this.openSweep(sweeps[0].id);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  setSweepMetric(metric: string): void {
    this.sweepMetric = metric;
    void this.loadAnalysis();
  }

  async loadAnalysis(): Promise<void> {
    const sweepId = this.sweepId;
    const request = this.analysisRequest.next();
    if (!sweepId) {
      this.analysis = null;
      return;
    }
    try {
      const analysis = await this.services.runs.sweepAnalysis({ sweepId, metric: this.sweepMetric });
      if (request.stale) return;
      this.analysis = analysis;
      this.analysisError = null;
    } catch (error) {
      if (request.stale) return;
      this.analysis = null;
      this.analysisError = error instanceof Error ? error.message : String(error);
    }
  }
}
