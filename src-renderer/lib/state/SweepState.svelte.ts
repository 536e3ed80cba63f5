import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import type { SweepCheck, SweepPreset } from '../../../src-shared/contract/SweepService.ts';
import type { TrainPreset } from '../../../src-shared/contract/TrainingService.ts';
import type { SweepDetail, SweepInfo, SweepProgressEvent } from '../../../src-shared/model/Sweep.ts';
import type {
  SweepAxis,
  SweepConstraints,
  SweepObjective,
  SweepSpec,
  SweepStrategy,
} from '../../../src-shared/model/SweepSpec.ts';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import { LatestRequest } from './LatestRequest.ts';
import type { ToastState } from './ToastState.svelte.ts';

/** An axis as the builder edits it: a dot path and its values as typed. */
export interface AxisRow {
  path: string;
  text: string;
}

/** The sweep being built: what the builder edits, turned into a SweepSpec on every change. */
export interface SweepDraft {
  name: string;
  base: TrainSpec;
  axes: AxisRow[];
  strategy: SweepStrategy;
  constraints: SweepConstraints;
  objectives: SweepObjective[];
}

const RANGE = /^\s*(-?[\d.]+(?:e-?\d+)?)\s*\.\.\s*(-?[\d.]+(?:e-?\d+)?)\s*(log|linear)?\s*(int)?\s*$/i;

/** "8, 16, 32" → [8, 16, 32]; "relu, gelu" → strings; "1e-4 .. 1e-2 log" → a range random search samples. */
export function parseAxis(row: AxisRow): SweepAxis {
  const range = RANGE.exec(row.text);
  if (range) {
    return {
      path: row.path.trim(),
      range: {
        min: Number(range[1]),
        max: Number(range[2]),
        scale: (range[3]?.toLowerCase() as 'log' | 'linear' | undefined) ?? 'linear',
        integer: Boolean(range[4]),
      },
    };
  }
  const values = splitTopLevel(row.text)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part): unknown => {
      const number = Number(part);
      if (Number.isFinite(number)) return number;
      try {
        // true, false, null, "text", and lists such as [64, 64] for model.blocks.
        return JSON.parse(part) as unknown;
      } catch {
        return part;
      }
    });
  return { path: row.path.trim(), values };
}

/** Splits on commas outside brackets, so "[8, 8], [16]" is two values. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '[' || char === '{') depth++;
    else if ((char === ']' || char === '}') && depth > 0) depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

export function axisText(axis: SweepAxis): string {
  if ('range' in axis)
    return `${axis.range.min} .. ${axis.range.max} ${axis.range.scale}${axis.range.integer ? ' int' : ''}`;
  return axis.values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
}

const NO_CONSTRAINTS: SweepConstraints = { maxGzipKb: null, maxLatencyMs: null, minValAccuracy: null };

/**
 * The Sweeps page's state: the sweep being built with its live check, the project's sweeps, the sweep on
 * screen with its trials, and live progress.
 */
export class SweepState {
  presets = $state<SweepPreset[]>([]);
  trainPresets = $state<TrainPreset[]>([]);
  /** "sweep:<id>" or "train:<id>": what the draft started from. */
  baseId = $state('');
  draft = $state<SweepDraft | null>(null);
  check = $state<SweepCheck | null>(null);
  checking = $state(false);
  starting = $state(false);
  /** Where trials train: empty for this machine, or a redis:// URL that `kws-studio worker` processes join. */
  queueUrl = $state('');
  /** The sweep the builder adds trials to, when it edits a sweep that exists rather than a new one. */
  extending = $state<SweepInfo | null>(null);
  /** Seconds per epoch of the project's recent finished runs; null when none has finished. */

  sweeps = $state<SweepInfo[]>([]);
  loaded = $state(false);
  /** The sweep on screen; null shows the builder. */
  openSweepId = $state<string | null>(null);
  detail = $state<SweepDetail | null>(null);
  progress = $state<Record<string, SweepProgressEvent>>({});

  spec = $derived(this.draft ? toSpec(this.draft) : null);

  private checkTimer: ReturnType<typeof setTimeout> | undefined;
  private checkRequest = new LatestRequest();
  private detailRequest = new LatestRequest();
  private detailTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly services: ServiceTable,
    private readonly toasts: ToastState,
  ) {}

  /** Follows sweep progress and project switches; call once. */
  start(): () => void {
    const offProgress = this.services.sweeps.onDidProgress((event) => this.onProgress(event));
    const offProject = this.services.project.onDidChangeProject(() => {
      this.sweeps = [];
      this.openSweepId = null;
      this.detail = null;
      this.progress = {};
      this.loaded = false;
    });
    return () => {
      offProgress();
      offProject();
      clearTimeout(this.checkTimer);
      clearTimeout(this.detailTimer);
    };
  }

  async load(): Promise<void> {
    try {
      const [presets, trainPresets, sweeps] = await Promise.all([
        this.presets.length ? this.presets : this.services.sweeps.presets(),
        this.trainPresets.length ? this.trainPresets : this.services.training.presets(),
        this.services.sweeps.listSweeps(),
      ]);
      this.presets = presets;
      this.trainPresets = trainPresets;
      this.sweeps = sweeps;
      if (!this.draft) {
        const first = presets[0] ? `sweep:${presets[0].id}` : trainPresets[0] ? `train:${trainPresets[0].id}` : '';
        if (first) this.chooseBase(first);
      }
      this.loaded = true;
      if (this.openSweepId) void this.refreshDetail();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  // ---- the builder ----

  chooseBase(id: string): void {
    const [kind, presetId] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
    if (kind === 'sweep') {
      const preset = this.presets.find((item) => item.id === presetId);
      if (!preset) return;
      const spec = structuredClone($state.snapshot(preset.spec)) as SweepSpec;
      this.baseId = id;
      this.setDraft({
        name: spec.name ?? preset.name,
        base: spec.base,
        axes: spec.axes.map((axis) => ({ path: axis.path, text: axisText(axis) })),
        strategy: spec.strategy,
        constraints: spec.constraints,
        objectives: spec.objectives,
      });
    } else {
      const preset = this.trainPresets.find((item) => item.id === presetId);
      if (!preset) return;
      this.baseId = id;
      this.setDraft({
        name: `${preset.name} sweep`,
        base: structuredClone($state.snapshot(preset.spec)) as TrainSpec,
        axes: [{ path: '', text: '' }],
        strategy: { kind: 'grid' },
        constraints: { ...NO_CONSTRAINTS },
        objectives: ['val_accuracy', 'gzip_kb', 'latency_ms'],
      });
    }
  }

  /** Replaces the draft (every builder edit goes through here) and checks it shortly after. */
  setDraft(draft: SweepDraft): void {
    this.draft = draft;
    clearTimeout(this.checkTimer);
    this.checking = true;
    this.checkTimer = setTimeout(() => void this.runCheck(), 200);
  }

  update(change: (draft: SweepDraft) => void): void {
    if (!this.draft) return;
    const next = $state.snapshot(this.draft) as SweepDraft;
    change(next);
    this.setDraft(next);
  }

  private async runCheck(): Promise<void> {
    const spec = this.spec;
    if (!spec) return;
    const request = this.checkRequest.next();
    try {
      const result = await this.services.sweeps.check({ spec: $state.snapshot(spec) });
      if (!request.stale) this.check = result;
    } catch (error) {
      if (!request.stale)
        this.check = {
          trials: 0,
          problems: [error instanceof Error ? error.message : String(error)],
          warnings: [],
          etaSeconds: null,
          slots: 1,
        };
    } finally {
      if (!request.stale) this.checking = false;
    }
  }

  async startSweep(): Promise<void> {
    const spec = this.spec;
    if (!spec || this.starting) return;
    this.starting = true;
    try {
      const snapshot = $state.snapshot(spec) as SweepSpec;
      if (this.extending) {
        const { added, sweep } = await this.services.sweeps.addTrials({ sweepId: this.extending.id, spec: snapshot });
        this.toasts.show(
          'info',
          added
            ? `Added ${added} trial${added === 1 ? '' : 's'} to ${sweep.name}.`
            : 'Every configuration of these axes is in the sweep already.',
        );
        this.sweeps = this.sweeps.map((item) => (item.id === sweep.id ? sweep : item));
        this.extending = null;
        await this.open(sweep.id);
        return;
      }
      const queueUrl = this.queueUrl.trim() || undefined;
      const info = await this.services.sweeps.startSweep({ spec: snapshot, queueUrl });
      this.sweeps = [info, ...this.sweeps.filter((item) => item.id !== info.id)];
      await this.open(info.id);
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.starting = false;
    }
  }

  // ---- sweeps ----

  newSweep(): void {
    this.openSweepId = null;
    this.detail = null;
    this.extending = null;
    // Runs finished since the page opened make the ETA better.
    if (this.draft) this.setDraft(this.draft);
  }

  /** Opens the builder on a sweep's own spec; what it gains on launch are new trials of that sweep. */
  extend(): void {
    const detail = this.detail;
    if (!detail) return;
    const spec = structuredClone($state.snapshot(detail.spec)) as SweepSpec;
    this.extending = { ...$state.snapshot(detail) } as SweepInfo;
    this.baseId = '';
    this.setDraft({
      name: spec.name ?? detail.name,
      base: spec.base,
      axes: spec.axes.map((axis) => ({ path: axis.path, text: axisText(axis) })),
      strategy: spec.strategy,
      constraints: spec.constraints,
      objectives: spec.objectives,
    });
    this.openSweepId = null;
    this.detail = null;
  }

  async open(sweepId: string): Promise<void> {
    this.extending = null;
    if (this.openSweepId !== sweepId) this.detail = null;
    this.openSweepId = sweepId;
    await this.refreshDetail();
  }

  async refreshDetail(): Promise<void> {
    const sweepId = this.openSweepId;
    if (!sweepId) return;
    const request = this.detailRequest.next();
    try {
      const detail = await this.services.sweeps.getSweep({ sweepId });
      if (request.stale || this.openSweepId !== sweepId) return;
      this.detail = detail;
      this.sweeps = this.sweeps.map((item) =>
        item.id === sweepId
          ? {
              ...item,
              status: detail.status,
              done: detail.done,
              failed: detail.failed,
              total: detail.total,
              bestValAccuracy: detail.bestValAccuracy,
              finishedAt: detail.finishedAt,
            }
          : item,
      );
    } catch (error) {
      this.toasts.error(error);
    }
  }

  async act(action: 'pause' | 'resume' | 'cancel', sweepId: string): Promise<void> {
    try {
      if (action === 'pause') await this.services.sweeps.pauseSweep({ sweepId });
      else if (action === 'resume') await this.services.sweeps.resumeSweep({ sweepId });
      else await this.services.sweeps.cancelSweep({ sweepId });
      this.sweeps = await this.services.sweeps.listSweeps();
      if (this.openSweepId === sweepId) await this.refreshDetail();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  private onProgress(event: SweepProgressEvent): void {
    this.progress = { ...this.progress, [event.sweepId]: event };
    if (!this.sweeps.some((item) => item.id === event.sweepId)) {
      void this.services.sweeps.listSweeps().then(
        (sweeps) => (this.sweeps = sweeps),
        (error: unknown) => this.toasts.error(error),
      );
    } else {
      this.sweeps = this.sweeps.map((item) =>
        item.id === event.sweepId
          ? {
              ...item,
              status: event.status,
              total: event.total,
              done: event.done,
              failed: event.failed,
              bestValAccuracy: event.bestValAccuracy,
            }
          : item,
      );
    }
    // Trials change with the events; fetch the open sweep's trials at most a few times a second.
    if (event.sweepId === this.openSweepId && this.detailTimer === undefined) {
      this.detailTimer = setTimeout(() => {
        this.detailTimer = undefined;
        void this.refreshDetail();
      }, 300);
    }
  }
}

function toSpec(draft: SweepDraft): SweepSpec {
  return {
    name: draft.name.trim() || undefined,
    base: draft.base,
    axes: draft.axes.filter((row) => row.path.trim() !== '' || row.text.trim() !== '').map(parseAxis),
    strategy: draft.strategy,
    constraints: draft.constraints,
    objectives: draft.objectives,
  };
}
