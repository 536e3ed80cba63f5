import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import { DEFAULT_TRAIN_PRESET_ID, type TrainPreset } from '../../../src-shared/contract/TrainingService.ts';
import type { ClipPrediction } from '../../../src-shared/model/ClipPrediction.ts';
import type { LabelCount } from '../../../src-shared/model/Clip.ts';
import type { FeaturePreset } from '../../../src-shared/model/FeatureSpec.ts';
import type { LabelSplitRow } from '../../../src-shared/model/LibraryStatistics.ts';
import type { ModelStats } from '../../../src-shared/model/ModelSpec.ts';
import type { RunDetail, RunInfo, TrainingProgress } from '../../../src-shared/model/Run.ts';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import { datasetClasses } from '../../../src-shared/training/datasetClasses.ts';
import { planExampleCounts } from '../../../src-shared/training/planExampleCounts.ts';
import { runLength } from '../../../src-shared/training/runLength.ts';
import { CurationLoop } from '../curation/CurationLoop.svelte.ts';
import { LatestRequest } from './LatestRequest.ts';
import type { LibraryState } from './LibraryState.svelte.ts';
import type { ToastState } from './ToastState.svelte.ts';

const DRAFT_KEY = 'kws-studio.trainDraft';

/** What the page saw of a run while it trained: the latest event and a step-level loss series. */
export interface LiveRun {
  progress: TrainingProgress;
  /** Mean training loss of the batches between two progress events, by optimizer step. */
  stepLoss: { step: number; loss: number }[];
  /** The latest time-left estimate and when it came (epoch-end events carry none). */
  eta: { seconds: number; at: number } | null;
}

/** Bookkeeping to turn the worker's running epoch means into per-interval losses; nothing renders from it. */
interface LossWindow {
  epoch: number;
  /** Step the epoch started at, when known (0 for the first epoch, else the previous epoch's end). */
  start: number | null;
  step: number;
  mean: number;
}

export interface ConfusionCell {
  actual: string;
  predicted: string;
}

/**
 * The Train page's state: the spec being edited (from a preset), model stats for it, the project's
 * runs, the run on screen with its metrics and live progress, and the confusion-matrix cell whose
 * clips are listed.
 */
export class TrainingState {
  presets = $state<TrainPreset[]>([]);
  featurePresets = $state<FeaturePreset[]>([]);
  /** The project's labels with counts: the wanted-word choices. */
  labels = $state<LabelCount[]>([]);
  /** Clips per label and split, for what the draft would train on. */
  splits = $state<LabelSplitRow[]>([]);
  loaded = $state(false);
  presetId = $state('');
  draft = $state<TrainSpec | null>(null);
  stats = $state<ModelStats | null>(null);
  statsError = $state<string | null>(null);
  statsPending = $state(false);
  starting = $state(false);

  runs = $state<RunInfo[]>([]);
  /** The run shown in the run view; null shows the spec editor. */
  openRunId = $state<string | null>(null);
  detail = $state<RunDetail | null>(null);
  live = $state<Record<string, LiveRun>>({});
  /** Each listed run's spec by id (the lists show model and features). */
  specs = $state<Record<string, TrainSpec>>({});

  cell = $state<ConfusionCell | null>(null);
  cellClips = $state<ClipPrediction[] | null>(null);
  /** Relabels from the cell's clip list: the Library's undoable edits, shown on the list until it reloads. */
  readonly curation: CurationLoop;

  /** The labels trained as themselves when the spec names no wanted words: those not marked as unknown words. */
  keywords = $derived(
    this.labels
      .filter((label) => !label.unknown)
      .map((label) => label.label)
      .sort(),
  );

  /** Output classes the draft trains, in model order: the data plan's own rule, on the labels that have clips. */
  classes = $derived.by(() => {
    const data = this.draft?.data;
    if (!data) return [];
    return datasetClasses(
      this.labels.filter((label) => label.count > 0),
      data,
    ).classes;
  });

  /** Examples per split and the run's length, counted by the data plan's and the training loop's own rules. */
  plan = $derived.by(() => {
    const spec = this.draft;
    if (!spec || this.splits.length === 0) return null;
    const { train, validation, test } = planExampleCounts(this.splits, this.classes, spec.data);
    const { stepsPerEpoch, totalSteps, epochs } = runLength(train.examples, spec);
    return { train, validation, test, stepsPerEpoch, totalSteps, epochs };
  });

  openRun = $derived(this.runs.find((run) => run.id === this.openRunId) ?? null);
  activeRuns = $derived(this.runs.filter((run) => run.status === 'running' || run.status === 'queued'));

  private statsTimer: ReturnType<typeof setTimeout> | undefined;
  private statsRequest = new LatestRequest();
  private detailRequest = new LatestRequest();
  private cellRequest = new LatestRequest();
  /** The library changed since `labels` and `splits` were loaded. */
  private labelsChanged = false;
  // Per-run bookkeeping for the step-loss series; nothing renders from it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private windows = new Map<string, LossWindow>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private epochEnds = new Map<string, Map<number, number>>();

  constructor(
    readonly services: ServiceTable,
    private readonly toasts: ToastState,
    library: LibraryState,
  ) {
    this.curation = new CurationLoop(library, toasts);
  }

  /** Follows training progress, project switches and library edits from anywhere (undo in the Library too); call once. */
  start(): () => void {
    let libraryTimer: ReturnType<typeof setTimeout> | undefined;
    const offProgress = this.services.training.onDidProgress((event) => this.onProgress(event));
    const offProject = this.services.project.onDidChangeProject(() => this.reset());
    const offLibrary = this.services.library.onDidChangeLibrary(() => {
      clearTimeout(libraryTimer);
      libraryTimer = setTimeout(() => this.onLibraryChange(), 50);
    });
    return () => {
      clearTimeout(libraryTimer);
      offProgress();
      offProject();
      offLibrary();
    };
  }

  /** Loads presets, labels and runs for the open project (again, after a project switch). */
  async load(): Promise<void> {
    this.labelsChanged = false;
    try {
      const [presets, featurePresets, labels, statistics, runs] = await Promise.all([
        this.presets.length ? this.presets : this.services.training.presets(),
        this.featurePresets.length ? this.featurePresets : this.services.features.presets(),
        this.services.library.labelCounts(),
        this.services.library.statistics(),
        this.services.runs.listRuns(),
      ]);
      this.presets = presets;
      this.featurePresets = featurePresets;
      this.labels = labels;
      this.splits = statistics.byLabel;
      this.runs = runs;
      this.specs = Object.fromEntries(this.runs.map((run) => [run.id, run.spec]));
      if (!this.draft) this.restoreDraft();
      this.keepWantedWordsKnown();
      this.loaded = true;
      if (this.openRunId) void this.refreshDetail();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  private reset(): void {
    this.runs = [];
    this.openRunId = null;
    this.detail = null;
    this.live = {};
    this.specs = {};
    this.windows.clear();
    this.epochEnds.clear();
    this.closeCell();
    this.loaded = false;
  }

  // ---- the spec editor ----

  choosePreset(id: string): void {
    const preset = this.presets.find((item) => item.id === id);
    if (!preset) return;
    this.presetId = id;
    this.setDraft(structuredClone($state.snapshot(preset.spec)) as TrainSpec);
    this.keepWantedWordsKnown();
  }

  /** Replaces the draft (the editor's edits go through here) and remembers it across launches. */
  setDraft(spec: TrainSpec): void {
    this.draft = spec;
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify({ presetId: this.presetId, spec: $state.snapshot(spec) }));
    } catch {
      // Storage may be unavailable; the draft then lasts for this session.
    }
  }

  /** Puts a run's spec in the editor, to change a thing or two and train again. */
  editCopy(run: RunDetail): void {
    this.presetId = '';
    this.setDraft({
      ...(structuredClone($state.snapshot(run.spec)) as TrainSpec),
      name: run.spec.name ? `${run.spec.name} (copy)` : undefined,
    });
    this.keepWantedWordsKnown();
    this.openRunId = null;
    void this.refreshLabels();
  }

  private restoreDraft(): void {
    try {
      const stored = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null') as {
        presetId: string;
        spec: TrainSpec;
      } | null;
      if (stored?.spec?.model && stored.spec.features && stored.spec.data) {
        this.presetId = stored.presetId;
        this.draft = stored.spec;
        return;
      }
    } catch {
      // A damaged stored draft is replaced by a preset.
    }
    const first = this.presets.find((preset) => preset.id === DEFAULT_TRAIN_PRESET_ID) ?? this.presets[0];
    if (first) this.choosePreset(first.id);
  }

  /** Wanted words from another project (or a preset) that this project lacks would fail the run: drop them. */
  private keepWantedWordsKnown(): void {
    const words = this.draft?.data.wantedWords;
    if (!this.draft || !words || this.labels.length === 0) return;
    const known = words.filter((word) => this.labels.some((label) => label.label === word));
    if (known.length !== words.length)
      this.setDraft({ ...this.draft, data: { ...this.draft.data, wantedWords: known.length ? known : null } });
  }

  /** Parameters and MACs of the draft's model, a moment after the last edit; stale answers are dropped. */
  requestStats(valid: boolean): void {
    clearTimeout(this.statsTimer);
    const request = this.statsRequest.next();
    const draft = this.draft;
    const classes = this.classes.length;
    if (!draft || !valid || classes < 2) {
      this.stats = null;
      this.statsPending = false;
      this.statsError = classes < 2 && draft ? 'A model needs at least two classes.' : null;
      return;
    }
    this.statsPending = true;
    const model = $state.snapshot(draft.model);
    const features = $state.snapshot(draft.features);
    this.statsTimer = setTimeout(() => {
      this.services.training
        .modelStats({ model, features, classes })
        .then((stats) => {
          if (request.stale) return;
          this.stats = stats;
          this.statsError = null;
        })
        .catch((error: unknown) => {
          if (request.stale) return;
          this.stats = null;
          this.statsError = error instanceof Error ? error.message : String(error);
        })
        .finally(() => {
          if (!request.stale) this.statsPending = false;
        });
    }, 250);
  }

  /** Starts a run of the draft and opens it. */
  async startRun(): Promise<void> {
    if (!this.draft || this.starting) return;
    this.starting = true;
    try {
      const run = await this.services.training.startRun({ spec: $state.snapshot(this.draft) as TrainSpec });
      this.runs = [run, ...this.runs.filter((item) => item.id !== run.id)];
      await this.open(run.id);
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.starting = false;
    }
  }

  /** Assigns train/validation/test splits with TF speech_commands' default 10 % / 10 %, from the Train page. */
  async assignSplits(): Promise<void> {
    try {
      const result = await this.services.library.assignSplits({ validationPercent: 10, testPercent: 10 });
      this.toasts.show(
        'success',
        `Splits assigned: ${result.train} train, ${result.validation} validation, ${result.test} test. Change them in Library → Statistics & splits.`,
      );
      this.splits = (await this.services.library.statistics()).byLabel;
    } catch (error) {
      this.toasts.error(error);
    }
  }

  // ---- runs ----

  newRun(): void {
    this.openRunId = null;
    this.closeCell();
    void this.refreshLabels();
  }

  async open(runId: string): Promise<void> {
    if (this.openRunId !== runId) {
      this.closeCell();
      this.detail = null;
    }
    this.openRunId = runId;
    await this.refreshDetail();
  }

  async refreshRuns(): Promise<void> {
    try {
      this.runs = await this.services.runs.listRuns();
      this.specs = Object.fromEntries(this.runs.map((run) => [run.id, run.spec]));
    } catch (error) {
      this.toasts.error(error);
    }
  }

  async refreshDetail(): Promise<void> {
    const runId = this.openRunId;
    if (!runId) return;
    const request = this.detailRequest.next();
    try {
      const detail = await this.services.runs.getRun({ runId });
      // While a run trains, answers can overtake each other: show any that is newer than the screen, so no epoch is skipped.
      if (
        runId !== this.openRunId ||
        (request.stale && this.detail?.id === runId && pointsOf(this.detail) > pointsOf(detail))
      )
        return;
      this.detail = detail;
      if (!(runId in this.specs)) this.specs = { ...this.specs, [runId]: detail.spec };
      this.runs = this.runs.map((run) => (run.id === runId ? infoOf(detail) : run));
    } catch (error) {
      if (!request.stale) this.toasts.error(error);
    }
  }

  async cancel(runId: string): Promise<void> {
    try {
      await this.services.training.cancelRun({ runId });
      this.toasts.show('info', 'Cancelling after the current step; the last checkpoint is kept for Resume.');
    } catch (error) {
      this.toasts.error(error);
    }
  }

  async resume(runId: string): Promise<void> {
    try {
      const run = await this.services.training.resumeRun({ runId });
      this.windows.delete(runId);
      this.runs = this.runs.map((item) => (item.id === runId ? run : item));
      await this.open(runId);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  private onProgress(event: TrainingProgress): void {
    const previous = this.live[event.runId];
    const stepLoss = previous?.stepLoss ?? [];
    const point = event.status === 'running' ? this.intervalLoss(event) : null;
    const eta =
      event.etaSeconds !== null
        ? { seconds: event.etaSeconds, at: Date.now() }
        : event.status === 'running'
          ? (previous?.eta ?? null)
          : null;
    this.live = {
      ...this.live,
      [event.runId]: { progress: event, stepLoss: point ? [...stepLoss, point] : stepLoss, eta },
    };

    const known = this.runs.find((run) => run.id === event.runId);
    if (known && known.status !== event.status) {
      this.runs = this.runs.map((run) => (run.id === event.runId ? { ...run, status: event.status } : run));
    }
    // Runs trained by another process report through the database, once a second: an epoch end may
    // come only as a later epoch number.
    const epochEnded =
      /^Epoch \d+\/\d+:/.test(event.message) || (previous !== undefined && previous.progress.epoch !== event.epoch);
    const finished = event.status !== 'running' && event.status !== 'queued';
    if (epochEnded || finished || !known) void this.refreshRuns();
    if ((epochEnded || finished) && event.runId === this.openRunId) void this.refreshDetail();
    if (finished) {
      const name = known?.name ?? event.runId;
      if (event.status === 'done') this.toasts.show('success', `${name} finished: ${event.message}`);
      else if (event.status === 'failed')
        this.toasts.show(
          'error',
          `${name} failed: ${event.message.length > 140 ? `${event.message.slice(0, 140)}…` : event.message}`,
        );
    }
  }

  /**
   * The worker reports the running mean loss of the epoch so far; the difference of two such means,
   * weighted by the steps behind them, is the mean of the batches in between: a step-level signal.
   */
  private intervalLoss(event: TrainingProgress): { step: number; loss: number } | null {
    if (event.loss === null || !Number.isFinite(event.loss) || event.steps === 0) return null;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
    const ends = this.epochEnds.get(event.runId) ?? new Map<number, number>();
    this.epochEnds.set(event.runId, ends);
    let window = this.windows.get(event.runId);
    if (!window || window.epoch !== event.epoch) {
      const start = event.epoch === 0 ? 0 : (ends.get(event.epoch - 1) ?? null);
      window = { epoch: event.epoch, start, step: start ?? event.step, mean: 0 };
    }
    let point: { step: number; loss: number } | null = null;
    if (event.step > window.step) {
      if (window.start === null) {
        point = { step: event.step, loss: event.loss };
      } else {
        const before = window.step - window.start;
        const now = event.step - window.start;
        point = { step: event.step, loss: Math.max(0, (event.loss * now - window.mean * before) / (now - before)) };
      }
    }
    this.windows.set(event.runId, { ...window, step: event.step, mean: event.loss });
    if (/^Epoch \d+\/\d+:/.test(event.message)) ends.set(event.epoch, event.step);
    return point;
  }

  // ---- the confusion matrix's clips ----

  async showCell(cell: ConfusionCell): Promise<void> {
    const runId = this.openRunId;
    if (!runId) return;
    this.cell = cell;
    this.cellClips = null;
    this.curation.forget();
    await this.loadCellClips(runId, cell);
  }

  closeCell(): void {
    this.cellRequest.cancel();
    this.cell = null;
    this.cellClips = null;
    this.curation.forget();
  }

  /** The cell's test clips with the labels they carry now; the list on screen stays until they arrive. */
  private async loadCellClips(runId: string, cell: ConfusionCell): Promise<void> {
    const request = this.cellRequest.next();
    try {
      const clips = await this.services.runs.predictions({
        runId,
        actual: cell.actual,
        predicted: cell.predicted,
        split: 'test',
      });
      if (request.stale) return;
      this.cellClips = clips;
      this.curation.forget();
    } catch (error) {
      if (!request.stale) this.toasts.error(error);
    }
  }

  /**
   * A label changed somewhere (here, in the Library, an undo): the open cell's list shows the labels
   * anew, and the draft's label counts are fetched again when the editor shows next.
   */
  private onLibraryChange(): void {
    this.labelsChanged = true;
    if (this.openRunId && this.cell) void this.loadCellClips(this.openRunId, this.cell);
  }

  /** The labels and their split counts, for the editor, after edits made since they were loaded. */
  private async refreshLabels(): Promise<void> {
    if (!this.labelsChanged) return;
    this.labelsChanged = false;
    try {
      const [labels, statistics] = await Promise.all([
        this.services.library.labelCounts(),
        this.services.library.statistics(),
      ]);
      this.labels = labels;
      this.splits = statistics.byLabel;
    } catch (error) {
      this.toasts.error(error);
    }
  }
}

/** How far a run's recorded metrics go, to order two answers about the same run. */
function pointsOf(detail: RunDetail): number {
  return Object.values(detail.metrics).reduce((sum, points) => sum + points.length, 0) + (detail.summary ? 1 : 0);
}

/** The list entry of a run's detail: everything but its metric series. */
function infoOf({ metrics, ...info }: RunDetail): RunInfo {
  void metrics;
  return info;
}
