import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import type { ClipRow, LabelCount } from '../../../src-shared/model/Clip.ts';
import {
  defaultClipSort,
  type ClipFilter,
  type ClipSort,
  type ClipSortKey,
} from '../../../src-shared/model/ClipQuery.ts';
import { LatestRequest, type RequestTicket } from './LatestRequest.ts';
import type { ToastState } from './ToastState.svelte.ts';

const PAGE_SIZE = 200;

/**
 * The library's view of the project: filter and sort, the rows loaded so far (in pages, on demand,
 * so 100,000 clips cost only what is on screen), the cursor row and the multi-selection.
 */
export class LibraryState {
  labels = $state<LabelCount[]>([]);
  /** Counts for the special views: the unlabeled queue, the trash, each quality flag. */
  unlabeled = $state(0);
  trashed = $state(0);
  flags = $state<{ flag: string; count: number }[]>([]);
  filter = $state<ClipFilter>({});
  sort = $state<ClipSort>(defaultClipSort);
  total = $state(0);
  /** False until the first page arrives, so no one reads an empty table as an empty project. */
  loaded = $state(false);
  /** The row the keyboard is on; its clip is the one shown and played. */
  cursor = $state(0);
  readonly selection = new SvelteSet<number>();
  private anchor = 0;
  private pages = new SvelteMap<number, ClipRow[]>();
  // Bookkeeping of requests in flight; nothing renders from it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private pending = new Set<number>();
  /** The query on screen; its replies (and its later pages') are dropped once the filter or sort changes. */
  private query = new LatestRequest();

  kind = $derived(this.filter.kind ?? 'sample');
  current = $derived(this.rowAt(this.cursor) ?? null);
  /** Move to the next clip after a label is applied from the keyboard: a labeling session's rhythm. */
  advanceAfterLabel = $state(true);
  /** Play each clip as the cursor reaches it, and replay it while looping. */
  autoplay = $state(false);
  loop = $state(false);
  /**
   * The key for each label, as stored with it: handed out once when the label is created (its own
   * one-character name, else the first free digit) and changed only by the user — never by clip
   * counts, so a key means the same label for a whole labeling session. Shown on the chips.
   */
  hotkeys = $derived(
    Object.fromEntries(
      this.labels.flatMap((label) => (label.hotkey ? [[label.hotkey.toLowerCase(), label.label]] : [])),
    ) as Record<string, string>,
  );
  hotkeyOf = (label: string): string | undefined =>
    Object.entries(this.hotkeys).find(([, name]) => name === label)?.[0];

  constructor(
    readonly services: ServiceTable,
    private readonly toasts: ToastState,
  ) {}

  /** Follows library changes from any source; call once. */
  start(): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return this.services.library.onDidChangeLibrary(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.refresh(), 30);
    });
  }

  /** The row at an index of the filtered list, when its page is loaded (reactive). */
  rowAt(index: number): ClipRow | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Starts over: counts, the first page, cursor on top. Stale answers of earlier queries are dropped. */
  async reload(): Promise<void> {
    const query = this.query.next();
    this.pending.clear();
    try {
      const [labels, page] = await Promise.all([
        this.services.library.labelCounts(),
        this.services.library.listClips({
          filter: $state.snapshot(this.filter),
          sort: $state.snapshot(this.sort),
          offset: 0,
          limit: PAGE_SIZE,
        }),
      ]);
      if (query.stale) return;
      this.labels = labels;
      // The counts of the special views come after the rows, so they never delay the first paint.
      void this.loadViewCounts(query);
      this.total = page.total;
      // Swap in one step, so the table never flashes empty while the new first page loads.
      this.pages.clear();
      this.pages.set(0, page.rows);
      this.loaded = true;
      this.cursor = Math.min(this.cursor, Math.max(0, page.total - 1));
    } catch (error) {
      this.toasts.error(error);
    }
  }

  private async loadViewCounts(query: RequestTicket): Promise<void> {
    try {
      // flagCounts, not statistics(): this runs after every edit, and the full statistics cost ~100 ms at 100,000 clips.
      const [unlabeled, trashed, flags] = await Promise.all([
        this.services.library.listClips({ filter: { labels: [''] }, limit: 1 }),
        this.services.library.listClips({ filter: { trashed: true }, limit: 1 }),
        this.services.library.flagCounts(),
      ]);
      if (query.stale) return;
      this.unlabeled = unlabeled.total;
      this.trashed = trashed.total;
      this.flags = flags;
    } catch (error) {
      this.toasts.error(error);
    }
  }

  /** Loads the pages covering rows [start, end) that are not loaded yet. */
  ensureRange(start: number, end: number): void {
    for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(Math.max(start, end - 1) / PAGE_SIZE); page++) {
      if (this.pages.has(page) || this.pending.has(page) || page * PAGE_SIZE >= this.total) continue;
      this.pending.add(page);
      const query = this.query.current();
      this.services.library
        .listClips({
          filter: $state.snapshot(this.filter),
          sort: $state.snapshot(this.sort),
          offset: page * PAGE_SIZE,
          limit: PAGE_SIZE,
        })
        .then((result) => {
          if (query.stale) return;
          this.pages.set(page, result.rows);
          this.total = result.total;
        })
        .catch((error: unknown) => this.toasts.error(error))
        .finally(() => this.pending.delete(page));
    }
  }

  setFilter(change: Partial<ClipFilter>): Promise<void> {
    this.filter = { ...this.filter, ...change };
    this.cursor = 0;
    this.selection.clear();
    return this.reload();
  }

  toggleLabel(label: string | undefined): Promise<void> {
    const only = this.filter.labels?.length === 1 && this.filter.labels[0] === label;
    return this.setFilter({ kind: 'sample', labels: label === undefined || only ? undefined : [label] });
  }

  showNoise(): Promise<void> {
    return this.setFilter({ kind: 'noise', labels: undefined });
  }

  sortBy(key: ClipSortKey): Promise<void> {
    this.sort = { key, direction: this.sort.key === key && this.sort.direction === 'asc' ? 'desc' : 'asc' };
    this.cursor = 0;
    // The keyboard's one-clip selection follows the cursor to the top, so a hotkey labels the clip on screen.
    if (this.selection.size <= 1) this.selection.clear();
    return this.reload();
  }

  /** Click semantics of file managers: plain selects one, Ctrl/Cmd toggles, Shift extends from the anchor. */
  click(index: number, modifiers: { toggle: boolean; extend: boolean }): void {
    const row = this.rowAt(index);
    if (!row) return;
    if (modifiers.extend) {
      this.selectRange(this.anchor, index, modifiers.toggle);
    } else if (modifiers.toggle) {
      if (this.selection.has(row.id)) this.selection.delete(row.id);
      else this.selection.add(row.id);
      this.anchor = index;
    } else {
      this.selection.clear();
      this.selection.add(row.id);
      this.anchor = index;
    }
    this.cursor = index;
  }

  /** Moves the cursor; with Shift the selection follows, without it the selection is the cursor row. */
  move(delta: number, extend = false): void {
    if (this.total === 0) return;
    const next = Math.min(this.total - 1, Math.max(0, this.cursor + delta));
    this.ensureRange(next, next + 1);
    if (extend) this.selectRange(this.anchor, next, false);
    else {
      this.anchor = next;
      this.selection.clear();
      const row = this.rowAt(next);
      if (row) this.selection.add(row.id);
    }
    this.cursor = next;
  }

  /** Selects every clip of the filtered list (all pages), fetched as one id array. */
  async selectAll(): Promise<void> {
    try {
      const ids = await this.services.library.clipIds({
        filter: $state.snapshot(this.filter),
        sort: $state.snapshot(this.sort),
      });
      this.selection.clear();
      for (const id of ids) this.selection.add(id);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  clearSelection(): void {
    this.selection.clear();
  }

  /** The clips an action applies to: the selection, or the clip under the cursor. */
  targetIds(): number[] {
    if (this.selection.size > 0) return [...this.selection];
    return this.current ? [this.current.id] : [];
  }

  /** Labels the selection (or the cursor clip); one undoable step. */
  async applyLabel(label: string | null): Promise<void> {
    const ids = this.targetIds();
    if (ids.length === 0) return;
    const single = ids.length === 1 && this.selection.size <= 1;
    await this.relabel(ids, label);
    // In a filtered list (the unlabeled queue) the labelled clip leaves and the next one moves up by itself.
    if (single && this.advanceAfterLabel && !this.filter.labels?.length) this.move(1);
  }

  /**
   * Labels clips as one undoable edit: the one path every page's relabel takes (the Library's keys and
   * bar, the Train page's confusion cells, Compare's lists), so each is recorded, fires the
   * library-change event and is undone by Ctrl+Z anywhere. True when it was done.
   */
  relabel(clipIds: number[], label: string | null): Promise<boolean> {
    return this.edit(() => this.services.library.setLabel({ clipIds, label }));
  }

  /** Sets the speaker of the given clips (the selection, or the cursor clip by default); one undoable step. */
  async setSpeaker(speaker: string | null, ids = this.targetIds()): Promise<boolean> {
    if (ids.length === 0) return false;
    return this.edit(() => this.services.library.setSpeaker({ clipIds: ids, speaker }));
  }

  async trashTargets(): Promise<void> {
    const ids = this.targetIds();
    if (ids.length) await this.edit(() => this.services.library.trashClips({ clipIds: ids }));
  }

  async restoreTargets(): Promise<void> {
    const ids = this.targetIds();
    if (ids.length) await this.edit(() => this.services.library.restoreClips({ clipIds: ids }));
  }

  async setSplit(split: 'train' | 'validation' | 'test' | null): Promise<void> {
    const ids = this.targetIds();
    if (ids.length) await this.edit(() => this.services.library.setSplitOverride({ clipIds: ids, split }));
  }

  async undo(): Promise<void> {
    await this.step(() => this.services.library.undo(), 'Undid', 'Nothing to undo');
  }

  async redo(): Promise<void> {
    await this.step(() => this.services.library.redo(), 'Redid', 'Nothing to redo');
  }

  /** Runs an edit and says what it did; the reload comes from the library-change event. */
  async edit(action: () => Promise<{ description: string; batchId: string | null }>): Promise<boolean> {
    try {
      const result = await action();
      this.toasts.show(
        result.batchId ? 'success' : 'info',
        result.batchId ? `${result.description} · Ctrl+Z undoes` : result.description,
      );
      return true;
    } catch (error) {
      this.toasts.error(error);
      return false;
    }
  }

  private async step(action: () => Promise<string | null>, verb: string, nothing: string): Promise<void> {
    try {
      const description = await action();
      this.toasts.show('info', description ? `${verb}: ${description}` : nothing);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  /** Another window, a client or an edit here changed the library: refresh what is on screen. */
  async refresh(): Promise<void> {
    const keep = this.cursor;
    await this.reload();
    this.cursor = Math.min(keep, Math.max(0, this.total - 1));
  }

  private selectRange(from: number, to: number, keep: boolean): void {
    const [low, high] = from <= to ? [from, to] : [to, from];
    const rows: ClipRow[] = [];
    for (let index = low; index <= high; index++) {
      const row = this.rowAt(index);
      if (!row) {
        // Part of the range was never scrolled into view: take the ids from the server.
        void this.selectRangeFromServer(low, high, keep);
        return;
      }
      rows.push(row);
    }
    if (!keep) this.selection.clear();
    for (const row of rows) this.selection.add(row.id);
  }

  private async selectRangeFromServer(low: number, high: number, keep: boolean): Promise<void> {
    try {
      const ids = await this.services.library.clipIds({
        filter: $state.snapshot(this.filter),
        sort: $state.snapshot(this.sort),
      });
      if (!keep) this.selection.clear();
      for (const id of ids.subarray(low, high + 1)) this.selection.add(id);
    } catch (error) {
      this.toasts.error(error);
    }
  }
}
