import type { ServiceTable } from '../../../../src-shared/contract/ServiceTable.ts';
import type { ToastState } from '../../../lib/state/ToastState.svelte.ts';
import { RunTableColumns, type PreferenceStorage } from './RunTableColumns.svelte.ts';
import { RunTableDetail } from './RunTableDetail.svelte.ts';
import { RunTableEdits } from './RunTableEdits.svelte.ts';
import { RunTableFilter } from './RunTableFilter.svelte.ts';
import { RunTableLines } from './RunTableLines.svelte.ts';
import { RunTablePages } from './RunTablePages.svelte.ts';
import { RunTableSelection } from './RunTableSelection.svelte.ts';

const REFRESH_DELAY_MS = 60;

/**
 * The Runs page's state, made of parts: the `filter` (which runs, in what order), the `pages` of
 * runs it matches, the `lines` of the virtual list (sweep groups), the `selection` and cursor, the
 * `columns` shown, the run open in the `detail` panel, and `edits` with undo. This class wires
 * them together and follows changes from anywhere (this page, training, another window), which
 * refresh the loaded pages in place while the page is shown.
 */
export class RunTableState {
  readonly filter: RunTableFilter;
  readonly pages: RunTablePages;
  readonly lines: RunTableLines;
  readonly detail: RunTableDetail;
  readonly selection: RunTableSelection;
  readonly columns: RunTableColumns;
  readonly edits: RunTableEdits;
  /** Where the table was scrolled when the page was left; not rendered from. */
  scrollTop = 0;
  private projectPath: string | null = null;
  private shown = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly services: ServiceTable,
    toasts: ToastState,
    storage?: PreferenceStorage,
  ) {
    this.filter = new RunTableFilter(
      () => this.pages.columns,
      ({ clearsSelection }) => {
        if (clearsSelection) this.selection.clear();
        void this.reload(true);
      },
    );
    this.pages = new RunTablePages(services, toasts, this.filter, (total) => this.selection.clampCursor(total));
    this.lines = new RunTableLines(this.filter, this.pages);
    this.detail = new RunTableDetail(services, toasts);
    this.selection = new RunTableSelection(this.pages, this.lines, this.detail);
    this.columns = new RunTableColumns(storage);
    const { pages, detail, selection, columns } = this;
    this.edits = new RunTableEdits(services, toasts, { pages, detail, selection, columns });
  }

  /** Follows run changes from any source and training starting or finishing runs; call once. */
  start(): () => void {
    const offRuns = this.services.runs.onDidChangeRuns((event) => {
      this.scheduleRefresh();
      if (this.shown && this.detail.runId && event.runIds.includes(this.detail.runId)) void this.detail.load();
    });
    // A run starting or ending: refresh at once rather than at the service's next look at the project.
    const offTraining = this.services.training.onDidProgress((event) => {
      if (event.status !== 'running') this.scheduleRefresh();
    });
    return () => {
      offRuns();
      offTraining();
      clearTimeout(this.refreshTimer);
    };
  }

  /**
   * The page opened: the same project's table comes back as it was left (selection, scroll,
   * open run) with fresh rows; another project's starts from scratch.
   */
  async show(projectPath: string): Promise<void> {
    this.shown = true;
    if (this.pages.loaded && projectPath === this.projectPath) {
      if (this.detail.runId) void this.detail.load();
      return this.refresh();
    }
    this.projectPath = projectPath;
    this.scrollTop = 0;
    await this.load();
  }

  /** The page closed: changes wait for the next `show`, which reads the table again anyway. */
  hide(): void {
    this.shown = false;
    clearTimeout(this.refreshTimer);
  }

  /** Everything from scratch. */
  async load(): Promise<void> {
    this.selection.clear();
    this.detail.close();
    await Promise.all([this.reload(true), this.edits.loadTags()]);
  }

  /** The first page of the current query; `fresh` (a new query) puts the cursor and the scroll at the top. */
  async reload(fresh = false): Promise<void> {
    if (fresh) this.selection.home();
    await this.pages.reload(fresh);
  }

  /** Runs changed: the loaded pages are read again in place (scroll, cursor and selection stay), and the tags. */
  async refresh(): Promise<void> {
    if (await this.pages.refresh()) void this.edits.loadTags();
  }

  private scheduleRefresh(): void {
    if (!this.shown) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }
}
