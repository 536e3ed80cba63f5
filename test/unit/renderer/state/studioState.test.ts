import { describe, expect, it, vi } from 'vitest';
import type { DiagnosticFact } from '../../../../src-shared/model/Diagnostics.ts';
import { HashRouter } from '../../../../src-renderer/lib/state/HashRouter.svelte.ts';
import { StudioState } from '../../../../src-renderer/lib/state/StudioState.svelte.ts';
import { ToastState } from '../../../../src-renderer/lib/state/ToastState.svelte.ts';
import { inMemoryServices, settle } from '../../../support/inMemoryServices.ts';
import { InMemoryProjectService, projectInfo } from '../../../support/inMemoryProjectService.ts';

/** The parts of a window the router uses, with a history that records what was pushed and replaced. */
function fakeWindow(hash = '') {
  const pushed: string[] = [];
  return {
    pushed,
    location: { hash } as Location,
    history: {
      pushState: (_state: unknown, _title: string, url: string) => void pushed.push(url),
      replaceState: () => undefined,
    } as unknown as History,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  };
}

function studioState(options: { facts?: DiagnosticFact[]; hash?: string } = {}) {
  const project = new InMemoryProjectService(new Set(['/projects/words']), [
    { path: '/projects/old', name: 'old', openedAt: '2025-12-01T00:00:00.000Z', exists: false },
  ]);
  const facts = options.facts ?? [{ key: 'backend', value: 'tensorflow', status: 'ok' as const }];
  const server = inMemoryServices({ project, system: { diagnostics: async () => ({ facts }) } });
  const toasts = new ToastState();
  const window = fakeWindow(options.hash);
  const studio = new StudioState(server.services, 'serve', toasts, new HashRouter(window));
  const messages = () => toasts.toasts.map((toast) => `${toast.kind}: ${toast.message}`);
  return { studio, project, window, messages };
}

describe('StudioState', () => {
  it('starts with the open project, the recent list and the diagnostics', async () => {
    const { studio, project } = studioState();
    project.project = projectInfo('/projects/words');
    expect(studio.loaded).toBe(false);
    await studio.start();
    expect(studio.loaded).toBe(true);
    expect(studio.project?.name).toBe('words');
    expect(studio.recents.map((item) => item.path)).toEqual(['/projects/old']);
    await vi.waitFor(() => expect(studio.backend?.value).toBe('tensorflow'));
  });

  it('warns at once when TensorFlow is not running natively', async () => {
    const { studio, messages } = studioState({ facts: [{ key: 'backend', value: 'cpu', status: 'warning' }] });
    await studio.start();
    await vi.waitFor(() =>
      expect(messages()).toEqual([
        'error: TensorFlow is not running natively (backend=cpu). Training will be very slow. See Diagnostics.',
      ]),
    );
  });

  it('follows the project opened anywhere, and reports a folder that holds none, naming it', async () => {
    const { studio, project, messages } = studioState();
    await studio.start();
    expect(await studio.openProject('/projects/missing')).toBeUndefined();
    expect(messages()).toEqual(['error: /projects/missing is not a KWS Studio project (no project.sqlite).']);
    expect(studio.busy).toBe(false);
    expect(studio.project).toBeNull();

    await studio.openProject('/projects/words');
    expect(messages().at(-1)).toBe('success: Opened words');
    await settle();
    expect(studio.project?.path).toBe('/projects/words');
    expect(studio.recents.map((item) => item.path)).toEqual(['/projects/words', '/projects/old']);

    await project.close(); // another window closes it
    await settle();
    expect(studio.project).toBeNull();
  });

  it('keeps tasks by id, and says which one failed and why', async () => {
    const { studio, project, messages } = studioState();
    await studio.start();
    project.progress({ taskId: 't1', title: 'Import', state: 'running', done: 10, total: 100, message: '' });
    project.progress({ taskId: 't2', title: 'Demo project', state: 'running', done: 0, total: 1, message: '' });
    await settle();
    expect(studio.runningTasks.map((task) => task.taskId)).toEqual(['t1', 't2']);
    project.progress({
      taskId: 't1',
      title: 'Import',
      state: 'failed',
      done: 40,
      total: 100,
      message: 'the disk is full',
    });
    await settle();
    expect(studio.runningTasks.map((task) => task.taskId)).toEqual(['t2']);
    expect(messages()).toEqual(['error: Import failed: the disk is full']);
  });

  it('forgets recent projects whose folder is gone', async () => {
    const { studio } = studioState();
    await studio.start();
    await studio.createProject('/projects/new', 'New words');
    await settle();
    expect(studio.recents.map((item) => item.name)).toEqual(['New words', 'old']);
    await studio.forgetMissingRecents();
    expect(studio.recents.map((item) => item.name)).toEqual(['New words']);
  });

  it('shows the page the address names, and a new page is a history entry', () => {
    const { studio, window } = studioState({ hash: '#/runs' });
    expect(studio.page).toBe('runs');
    studio.page = 'compare';
    studio.page = 'compare';
    expect(studio.page).toBe('compare');
    expect(window.pushed).toEqual(['#/compare']);
  });
});
