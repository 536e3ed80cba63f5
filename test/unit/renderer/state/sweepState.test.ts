import { describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../../../src-shared/contract/events.ts';
import type { ProjectInfo } from '../../../../src-shared/model/ProjectInfo.ts';
import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import type {
  StartedSweep,
  SweepCheck,
  SweepPreset,
  SweepService,
} from '../../../../src-shared/contract/SweepService.ts';
import type { TrainPreset } from '../../../../src-shared/contract/TrainingService.ts';
import type { SweepDetail, SweepInfo, SweepProgressEvent } from '../../../../src-shared/model/Sweep.ts';
import type { SweepSpec } from '../../../../src-shared/model/SweepSpec.ts';
import { SweepState } from '../../../../src-renderer/lib/state/SweepState.svelte.ts';
import { ToastState } from '../../../../src-renderer/lib/state/ToastState.svelte.ts';
import { inMemoryServices, settle } from '../../../support/inMemoryServices.ts';
import mfccGrid from '../../../../resources/presets/sweeps/mfcc-grid.json';
import pruningGrid from '../../../../resources/presets/sweeps/pruning-grid.json';
import tinyConv from '../../../../resources/presets/train/tiny-conv.json';

const shippedSweepPresets = (): SweepPreset[] => structuredClone([mfccGrid, pruningGrid] as SweepPreset[]);
const shippedTrainPresets = (): TrainPreset[] => structuredClone([tinyConv] as TrainPreset[]);

/** The sweep service in memory: sweeps with their status and counts, the lifecycle calls, and progress events. */
class InMemorySweepService implements Partial<SweepService> {
  readonly sweeps = new Map<string, SweepDetail>();
  private readonly progressed = new Emitter<SweepProgressEvent>();
  readonly onDidProgress = this.progressed.event;
  private nextId = 1;

  add(name: string, fields: Partial<SweepDetail> = {}): SweepDetail {
    const id = `sweep-${this.nextId++}`;
    const detail: SweepDetail = {
      id,
      name,
      status: 'running',
      createdAt: new Date(Date.UTC(2026, 0, 1) + this.nextId * 60_000).toISOString(),
      finishedAt: null,
      total: 4,
      done: 0,
      failed: 0,
      bestValAccuracy: null,
      queueUrl: null,
      spec: shippedSweepPresets()[0]!.spec,
      trials: [],
      ...fields,
    };
    this.sweeps.set(id, detail);
    return detail;
  }

  /** Progress of a sweep as its scheduler reports it: the sweep changes, then the event fires. */
  progress(sweepId: string, change: Partial<SweepProgressEvent>): void {
    const sweep = this.get(sweepId);
    const event: SweepProgressEvent = {
      sweepId,
      status: sweep.status,
      total: sweep.total,
      done: sweep.done,
      running: 1,
      failed: sweep.failed,
      queued: 0,
      bestValAccuracy: sweep.bestValAccuracy,
      etaSeconds: 60,
      message: 'trial 2 of 4',
      ...change,
    };
    Object.assign(sweep, {
      status: event.status,
      total: event.total,
      done: event.done,
      failed: event.failed,
      bestValAccuracy: event.bestValAccuracy,
    });
    this.progressed.fire(event);
  }

  async presets(): Promise<SweepPreset[]> {
    return shippedSweepPresets();
  }

  async check({ spec }: { spec: unknown }): Promise<SweepCheck> {
    const axes = (spec as SweepSpec).axes;
    const trials = axes.reduce((product, axis) => product * ('values' in axis ? axis.values.length : 1), 1);
    return { trials, problems: [], warnings: [], etaSeconds: trials * 30, slots: 2 };
  }

  async startSweep({ spec, queueUrl }: { spec: SweepSpec; queueUrl?: string | undefined }): Promise<StartedSweep> {
    const detail = this.add(spec.name ?? 'sweep', { spec, queueUrl: queueUrl ?? null, total: 16 });
    return { ...this.info(detail), warnings: [] };
  }

  async addTrials({ sweepId, spec }: { sweepId: string; spec: SweepSpec }) {
    const sweep = this.get(sweepId);
    const added = spec.axes.length;
    sweep.total += added;
    sweep.status = 'running';
    return { added, sweep: this.info(sweep) };
  }

  async pauseSweep({ sweepId }: { sweepId: string }): Promise<void> {
    const sweep = this.get(sweepId);
    if (sweep.status !== 'running') throw new StudioError('invalid_input', `${sweep.name} is not running.`);
    sweep.status = 'paused';
  }

  async resumeSweep({ sweepId }: { sweepId: string }): Promise<void> {
    this.get(sweepId).status = 'running';
  }

  async cancelSweep({ sweepId }: { sweepId: string }): Promise<void> {
    this.get(sweepId).status = 'cancelled';
  }

  async listSweeps(): Promise<SweepInfo[]> {
    return [...this.sweeps.values()].reverse().map((sweep) => this.info(sweep));
  }

  async getSweep({ sweepId }: { sweepId: string }): Promise<SweepDetail> {
    return this.get(sweepId);
  }

  private get(sweepId: string): SweepDetail {
    const sweep = this.sweeps.get(sweepId);
    if (!sweep) throw new StudioError('not_found', `No sweep ${sweepId} in this project.`);
    return sweep;
  }

  private info(detail: SweepDetail): SweepInfo {
    const info: SweepInfo & Partial<SweepDetail> = { ...detail };
    delete info.spec;
    delete info.trials;
    return info;
  }
}

function sweepState() {
  const sweeps = new InMemorySweepService();
  const projectChanged = new Emitter<ProjectInfo | null>();
  const server = inMemoryServices({
    sweeps,
    training: { presets: async () => shippedTrainPresets() },
    project: { onDidChangeProject: projectChanged.event },
  });
  const toasts = new ToastState();
  const state = new SweepState(server.services, toasts);
  const messages = () => toasts.toasts.map((toast) => `${toast.kind}: ${toast.message}`);
  return { state, sweeps, server, projectChanged, messages };
}

describe('SweepState', () => {
  it('loads the sweeps and presets, starts the builder on the first sweep preset and checks it', async () => {
    const { state, sweeps, server } = sweepState();
    sweeps.add('first');
    sweeps.add('second');
    await state.load();
    expect(state.loaded).toBe(true);
    expect(state.sweeps.map((sweep) => sweep.name)).toEqual(['second', 'first']);
    expect(state.baseId).toBe('sweep:mfcc-grid');
    expect(state.draft?.name).toBe('MFCC grid');
    expect(state.spec?.axes).toEqual(mfccGrid.spec.axes);
    expect(state.checking).toBe(true);
    await vi.waitFor(() => expect(state.check?.trials).toBe(16));
    expect(state.checking).toBe(false);

    // Presets do not change while the studio runs: a second load fetches only the sweeps.
    sweeps.add('third');
    await state.load();
    expect(server.inputs('sweeps.presets')).toHaveLength(1);
    expect(server.inputs('training.presets')).toHaveLength(1);
    expect(state.sweeps.map((sweep) => sweep.name)).toEqual(['third', 'second', 'first']);
  });

  it('starts from a train preset with one empty axis, and checks what the builder edits', async () => {
    const { state, server } = sweepState();
    await state.load();
    state.chooseBase('train:tiny-conv');
    expect(state.draft?.name).toBe('tiny_conv (TF micro_speech) sweep');
    expect(state.spec?.axes).toEqual([]);
    state.update((draft) => {
      draft.axes = [{ path: 'training.batchSize', text: '32, 64, 128' }];
    });
    await vi.waitFor(() => expect(state.check?.trials).toBe(3));
    const checked = server.inputs('sweeps.check').at(-1) as { spec: SweepSpec };
    expect(checked.spec.axes).toEqual([{ path: 'training.batchSize', values: [32, 64, 128] }]);
    expect(checked.spec.base).toEqual(tinyConv.spec);
  });

  it('opens a sweep with its trials, and keeps the list in step with what the detail says', async () => {
    const { state, sweeps } = sweepState();
    const sweep = sweeps.add('grid');
    await state.load();
    sweep.done = 3;
    sweep.bestValAccuracy = 0.91;
    await state.open(sweep.id);
    expect(state.openSweepId).toBe(sweep.id);
    expect(state.detail?.name).toBe('grid');
    expect(state.sweeps[0]).toMatchObject({ id: sweep.id, done: 3, bestValAccuracy: 0.91 });
  });

  it('drops the detail of a sweep opened before when its reply arrives after the one opened since', async () => {
    const { state, sweeps, server } = sweepState();
    const slow = sweeps.add('slow');
    const fast = sweeps.add('fast');
    await state.load();
    const replies = server.hold('sweeps.getSweep');
    const first = state.open(slow.id);
    const second = state.open(fast.id);
    expect(replies.waiting.map((call) => call.input)).toEqual([{ sweepId: slow.id }, { sweepId: fast.id }]);
    await replies.release(1);
    expect(state.detail?.name).toBe('fast');
    await replies.release(0);
    await Promise.all([first, second]);
    expect(state.openSweepId).toBe(fast.id);
    expect(state.detail?.name).toBe('fast');

    // The same sweep fetched twice (progress while a fetch is on its way): the older answer is older news.
    const before = state.refreshDetail();
    await settle(); // the service answered (0 done); the answer waits
    fast.done = 2;
    const after = state.refreshDetail();
    await replies.release(1);
    expect(state.detail?.done).toBe(2);
    await replies.release(0);
    await Promise.all([before, after]);
    expect(state.detail?.done).toBe(2);
    expect(state.sweeps.find((item) => item.id === fast.id)?.done).toBe(2);
  });

  it('follows progress: the list at once, the open sweep’s trials shortly after, an unknown sweep by listing again', async () => {
    const { state, sweeps, server } = sweepState();
    const sweep = sweeps.add('grid');
    const stop = state.start();
    await state.load();
    await state.open(sweep.id);
    const fetched = server.inputs('sweeps.getSweep').length;

    sweeps.progress(sweep.id, { done: 2, bestValAccuracy: 0.8 });
    await vi.waitFor(() => expect(state.progress[sweep.id]?.message).toBe('trial 2 of 4'));
    expect(state.sweeps[0]).toMatchObject({ done: 2, bestValAccuracy: 0.8 });
    await vi.waitFor(() => expect(state.detail?.done).toBe(2));
    expect(server.inputs('sweeps.getSweep')).toHaveLength(fetched + 1);

    // Started elsewhere (the command line): the list is fetched again to show it.
    const other = sweeps.add('from the CLI');
    const listed = server.inputs('sweeps.listSweeps').length;
    sweeps.progress(other.id, { done: 1 });
    await vi.waitFor(() => expect(state.sweeps.map((item) => item.name)).toContain('from the CLI'));
    expect(server.inputs('sweeps.listSweeps')).toHaveLength(listed + 1);

    stop();
    sweeps.progress(sweep.id, { done: 3 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.progress[sweep.id]?.done).toBe(2);
  });

  it('pauses, resumes and cancels the sweep it names, then shows the list and the open sweep as they are', async () => {
    const { state, sweeps, server } = sweepState();
    const sweep = sweeps.add('grid');
    await state.load();
    await state.open(sweep.id);

    await state.act('pause', sweep.id);
    expect(server.inputs('sweeps.pauseSweep')).toEqual([{ sweepId: sweep.id }]);
    expect(state.sweeps[0]?.status).toBe('paused');
    expect(state.detail?.status).toBe('paused');

    await state.act('resume', sweep.id);
    expect(server.inputs('sweeps.resumeSweep')).toEqual([{ sweepId: sweep.id }]);
    expect(state.detail?.status).toBe('running');

    await state.act('cancel', sweep.id);
    expect(server.inputs('sweeps.cancelSweep')).toEqual([{ sweepId: sweep.id }]);
    expect(state.sweeps[0]?.status).toBe('cancelled');
    expect(state.detail?.status).toBe('cancelled');
  });

  it('says why a sweep could not be paused or found, and leaves the list as it was', async () => {
    const { state, sweeps, messages } = sweepState();
    const sweep = sweeps.add('grid', { status: 'done' });
    await state.load();
    await state.act('pause', sweep.id);
    await state.act('cancel', 'sweep-gone');
    expect(messages()).toEqual(['error: grid is not running.', 'error: No sweep sweep-gone in this project.']);
    expect(state.sweeps.map((item) => item.status)).toEqual(['done']);
  });

  it('starts the sweep as built, on a Redis queue when given one, and opens it', async () => {
    const { state, server } = sweepState();
    await state.load();
    state.queueUrl = '  redis://queue.local:6379  ';
    await state.startSweep();
    const [input] = server.inputs('sweeps.startSweep') as { spec: SweepSpec; queueUrl?: string }[];
    expect(input?.queueUrl).toBe('redis://queue.local:6379');
    expect(input?.spec).toEqual({ ...mfccGrid.spec });
    expect(state.starting).toBe(false);
    expect(state.sweeps.map((sweep) => sweep.name)).toEqual(['MFCC grid']);
    expect(state.openSweepId).toBe(state.sweeps[0]!.id);
    expect(state.detail?.queueUrl).toBe('redis://queue.local:6379');
  });

  it('reports a sweep that cannot start, and is ready to try again', async () => {
    const { state, sweeps, messages } = sweepState();
    await state.load();
    state.queueUrl = 'http://queue.local';
    await state.startSweep();
    expect(messages()).toEqual([expect.stringMatching(/^error: .*not a Redis URL/)]);
    expect(sweeps.sweeps.size).toBe(0);
    expect(state.starting).toBe(false);
    expect(state.openSweepId).toBeNull();
  });

  it('extends an open sweep with the trials the builder adds, and opens it again', async () => {
    const { state, sweeps, server, messages } = sweepState();
    const sweep = sweeps.add('grid');
    await state.load();
    await state.open(sweep.id);
    state.extend();
    expect(state.extending?.id).toBe(sweep.id);
    expect(state.openSweepId).toBeNull();
    await state.startSweep();
    expect(server.inputs('sweeps.startSweep')).toEqual([]);
    expect(server.inputs('sweeps.addTrials')).toEqual([{ sweepId: sweep.id, spec: sweep.spec }]);
    expect(messages()).toEqual([`info: Added 4 trials to grid.`]);
    expect(state.extending).toBeNull();
    expect(state.openSweepId).toBe(sweep.id);
    expect(state.sweeps[0]?.total).toBe(8);
  });

  it('forgets the sweeps of a project that was closed', async () => {
    const { state, sweeps, projectChanged } = sweepState();
    const sweep = sweeps.add('grid');
    const stop = state.start();
    await state.load();
    await state.open(sweep.id);
    projectChanged.fire(null);
    await vi.waitFor(() => expect(state.loaded).toBe(false));
    expect(state.sweeps).toEqual([]);
    expect(state.openSweepId).toBeNull();
    expect(state.detail).toBeNull();
    stop();
  });
});
