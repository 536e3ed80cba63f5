import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import type { DiagnosticFact } from '../../../src-shared/model/Diagnostics.ts';
import type { ProjectInfo, RecentProject } from '../../../src-shared/model/ProjectInfo.ts';
import type { TaskProgress } from '../../../src-shared/model/TaskProgress.ts';
import type { HashRouter } from './HashRouter.svelte.ts';
import type { Page } from './route.ts';
import type { ToastState } from './ToastState.svelte.ts';

export type { Page };

/** The studio-wide state: the open project, recent projects, running tasks, diagnostics, the page. */
export class StudioState {
  project = $state<ProjectInfo | null>(null);
  recents = $state<RecentProject[]>([]);
  tasks = $state<Record<string, TaskProgress>>({});
  facts = $state<DiagnosticFact[] | null>(null);
  connected = $state(true);
  loaded = $state(false);
  busy = $state(false);

  backend = $derived(this.facts?.find((fact) => fact.key === 'backend'));
  tensorflowVersion = $derived(this.facts?.find((fact) => fact.key === 'tensorflow_version')?.value);
  runningTasks = $derived(Object.values(this.tasks).filter((task) => task.state === 'running'));

  constructor(
    readonly services: ServiceTable,
    readonly transport: 'electron' | 'serve',
    private readonly toasts: ToastState,
    readonly router: HashRouter,
  ) {}

  /** The page on screen; setting it navigates (a history entry, kept in the address for reloads). */
  get page(): Page {
    return this.router.route.page;
  }

  set page(page: Page) {
    this.router.go(page);
  }

  async start(): Promise<void> {
    this.services.project.onDidChangeProject((project) => {
      this.project = project;
      void this.refreshRecents();
    });
    this.services.project.onDidProgress((progress) => {
      this.tasks = { ...this.tasks, [progress.taskId]: progress };
      if (progress.state === 'failed') this.toasts.show('error', `${progress.title} failed: ${progress.message}`);
    });
    try {
      [this.project, this.recents] = await Promise.all([
        this.services.project.current(),
        this.services.project.recent(),
      ]);
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.loaded = true;
    }
    void this.loadDiagnostics();
  }

  async loadDiagnostics(): Promise<void> {
    try {
      this.facts = (await this.services.system.diagnostics()).facts;
      if (this.backend && this.backend.status !== 'ok') {
        this.toasts.show(
          'error',
          `TensorFlow is not running natively (backend=${this.backend.value}). Training will be very slow. See Diagnostics.`,
        );
      }
    } catch (error) {
      this.toasts.error(error);
    }
  }

  async refreshRecents(): Promise<void> {
    this.recents = await this.services.project.recent();
  }

  /** Takes a project off the recent list (usually one whose folder is gone); the folder is not touched. */
  async forgetRecent(path: string): Promise<void> {
    await this.run(async () => {
      this.recents = await this.services.project.forgetRecent({ path });
    });
  }

  /** Takes every project whose folder or database is gone off the recent list. */
  async forgetMissingRecents(): Promise<void> {
    await this.run(async () => {
      this.recents = await this.services.project.forgetRecent({ missing: true });
    });
  }

  /** Runs a project action with the busy flag set, reporting failure as a toast. */
  async run<T>(action: () => Promise<T>, success?: (value: T) => string): Promise<T | undefined> {
    this.busy = true;
    try {
      const value = await action();
      if (success) this.toasts.show('success', success(value));
      return value;
    } catch (error) {
      this.toasts.error(error);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  openProject(path: string) {
    return this.run(
      () => this.services.project.open({ path }),
      (info) => `Opened ${info.name}`,
    );
  }

  createProject(path: string, name?: string) {
    return this.run(
      () => this.services.project.create({ path, name: name || undefined }),
      (info) => `Created ${info.name}`,
    );
  }

  createDemo() {
    return this.run(
      () => this.services.project.createDemo({}),
      (info) => `Demo project ready: ${info.clipCount} clips`,
    );
  }

  closeProject() {
    return this.run(() => this.services.project.close());
  }
}
