import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { parseRunFilter } from '../../../src-shared/compare/parseRunFilter.ts';
import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import type { RunDetail } from '../../../src-shared/model/Run.ts';
import type { RunCondition, RunQuery, RunScope, RunSort } from '../../../src-shared/model/RunQuery.ts';
import type { RunChangeResult, RunColumn, RunGroup, RunRow, RunTagCount } from '../../../src-shared/model/RunTable.ts';
import type { ToastState } from './ToastState.svelte.ts';

const PAGE_SIZE = 100;
/** The largest page the service answers; a shift-click range over unseen rows is read in pieces this size. */
const MAX_PAGE = 10_000;
const COLUMNS_KEY = 'kws-studio.runColumns';
const WIDTHS_KEY = 'kws-studio.runColumnWidths';
/** A dragged column keeps at least this much room, and at most this much. */
export const COLUMN_WIDTH_LIMITS = { min: 44, max: 640 };
const FILTER_DELAY_MS = 200;

/** What a new user sees: what the run is, how good, how big, how fast. */
export const defaultRunColumns: readonly string[] = [
  'starred', 'name', 'status', 'sweep', 'model.kind', 'val_accuracy', 'test_accuracy', 'stats.gzip_kb', 'stats.latency_ms', 'created',
];
const defaultSort: RunSort[] = [{ key: 'created', direction: 'desc' }];

/** Sweeps as the grouped table shows them: runs sorted by sweep name, so one name's runs are one block. */
export interface RunTableGroup {
  /** The sweep's name; '' for runs outside any sweep. */
  key: string;
  sweepName: string | null;
  /** Usually one; two sweeps of the same name share a header, since their runs sort together. */
  sweepIds: (string | null)[];
  count: number;
  /** Index of the group's first run in the sorted list. */
  start: number;
  collapsed: boolean;
}

/** One line of the virtual list: a sweep header or a run (by its index in the sorted list). */
export type RunTableItem = { kind: 'group'; group: RunTableGroup } | { kind: 'row'; index: number };

/** An edit that can be taken back from the toast that reports it. */
export interface RunUndo {
  id: number;
  message: string;
  undo: () => Promise<void>;
}

/**
 * The run table: a typed filter, scope, sort, grouping and columns; the runs matching them, loaded
 * in pages as they scroll into view (so 10,000 runs cost what is on screen); the selection, the
 * keyboard cursor, the run open in the side panel, and bulk edits with undo for the lifecycle ones.
 * Changes from anywhere (this page, training, another window) refresh the loaded pages in place.
 */
export class RunTableState {
  scope = $state<RunScope>('active');
  starredOnly = $state(false);
  groupBySweep = $state(false);
  /** The filter as typed; `conditions` is what the table shows, applied a moment after typing stops. */
  filterText = $state('');
  conditions = $state<RunCondition[]>([]);
  sort = $state<RunSort[]>(defaultSort);
  visibleColumns = $state<string[]>(readColumns());
  /** Widths the user dragged, in pixels, by column key; other columns take their default width. */
  columnWidths = $state<Record<string, number>>(readStored(WIDTHS_KEY, isWidths) ?? {});

  columns = $state<RunColumn[]>([]);
  total = $state(0);
  groups = $state<RunGroup[]>([]);
  /** Whether the rows loaded were answered for the grouped order: headers wait for them, so they never frame the old order. */
  groupsShown = $state(false);
  scopeCounts = $state<Record<RunScope, number>>({ active: 0, archived: 0, deleted: 0 });
  unknownKeys = $state<string[]>([]);
  tags = $state<RunTagCount[]>([]);
  loaded = $state(false);
  /** Bumped when the query changes (not on a live refresh): the table scrolls back to the top. */
  queryVersion = $state(0);

  readonly selection = new SvelteSet<string>();
  /** Index (in the sorted list) of the row the keyboard is on. */
  cursor = $state(0);
  readonly collapsed = new SvelteSet<string>();

  openRunId = $state<string | null>(null);
  detail = $state<RunDetail | null>(null);
  undoable = $state<RunUndo | null>(null);
  busy = $state(false);

  /** Where the table was scrolled when the page was left; not rendered from. */
  scrollTop = 0;
  private projectPath: string | null = null;
  private shown = false;
  /** Rows on screen, as the table last said: a refresh reads the pages around them, not every page ever seen. */
  private visible = { first: 0, last: 0 };
  private pages = new SvelteMap<number, RunRow[]>();
  // Requests in flight; nothing renders from it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private pending = new Set<number>();
  private generation = 0;
  private anchor = 0;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private undoTimer: ReturnType<typeof setTimeout> | undefined;
  private nextUndo = 1;
  private detailGeneration = 0;

  // Rebuilt whole when the columns change and never mutated: a plain Map is enough.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  columnByKey = $derived(new Map(this.columns.map((column) => [column.key, column])));
  /** What the filter box says about its text now: parse problems at once, unknown keys once the table has answered. */
  problems = $derived.by(() => {
    const parsed = parseRunFilter(this.filterText);
    const unknown = parsed.conditions
      .filter((condition) => this.columns.length > 0 && !this.columnByKey.has(condition.key))
      .map((condition) => `no run has "${condition.key}"${suggestion(condition.key, this.columns)}`);
    return [...parsed.problems, ...unknown].filter((problem, index, all) => all.indexOf(problem) === index);
  });
  /** The sort the service is asked for: grouped by sweep first when grouping. */
  effectiveSort = $derived<RunSort[]>(
    this.groupBySweep ? [{ key: 'sweep', direction: 'asc' }, ...this.sort.filter((item) => item.key !== 'sweep')] : this.sort,
  );

  /** Sweep groups in table order, with the rows they span; null when not grouping. */
  layout = $derived.by((): RunTableGroup[] | null => {
    if (!this.groupBySweep || !this.groupsShown) return null;
    const merged: RunTableGroup[] = [];
    let start = 0;
    for (const group of this.groups) {
      const key = group.sweepName ?? '';
      const last = merged.at(-1);
      if (last && last.key === key) {
        last.count += group.count;
        last.sweepIds.push(group.sweepId);
      } else {
        merged.push({ key, sweepName: group.sweepName, sweepIds: [group.sweepId], count: group.count, start, collapsed: this.collapsed.has(key) });
      }
      start += group.count;
    }
    return merged;
  });
  /** Lines in the virtual list: runs, plus a header per sweep when grouping. */
  itemCount = $derived(this.layout ? this.layout.reduce((sum, group) => sum + 1 + (group.collapsed ? 0 : group.count), 0) : this.total);
  /** The loaded rows among the selection: what the action bar can say about the selected runs. */
  selectedRows = $derived.by(() => {
    const rows: RunRow[] = [];
    for (const page of this.pages.values()) for (const row of page) if (this.selection.has(row.id)) rows.push(row);
    return rows;
  });
  current = $derived(this.rowAt(this.cursor) ?? null);
  filtering = $derived(this.conditions.length > 0 || this.starredOnly);

  constructor(
    readonly services: ServiceTable,
    private readonly toasts: ToastState,
  ) {}

  /** Follows run changes from any source and training starting or finishing runs; call once. */
  start(): () => void {
    const offRuns = this.services.runs.onDidChangeRuns((event) => {
      this.scheduleRefresh();
      if (this.shown && this.openRunId && event.runIds.includes(this.openRunId)) void this.loadDetail();
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
    if (this.loaded && projectPath === this.projectPath) {
      if (this.openRunId) void this.loadDetail();
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
    this.openRunId = null;
    this.detail = null;
    await Promise.all([this.reload(true), this.loadTags()]);
  }

  /** The row at an index of the sorted list, when its page is loaded (reactive). */
  rowAt(index: number): RunRow | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** The line at a position of the virtual list. */
  itemAt(position: number): RunTableItem {
    if (!this.layout) return { kind: 'row', index: position };
    let rest = position;
    for (const group of this.layout) {
      if (rest === 0) return { kind: 'group', group };
      rest -= 1;
      const shown = group.collapsed ? 0 : group.count;
      if (rest < shown) return { kind: 'row', index: group.start + rest };
      rest -= shown;
    }
    return { kind: 'row', index: position };
  }

  /** The position of a run's line, or its group header's when the group is collapsed. */
  positionOf(index: number): number {
    if (!this.layout) return index;
    let position = 0;
    for (const group of this.layout) {
      if (index >= group.start && index < group.start + group.count) return group.collapsed ? position : position + 1 + index - group.start;
      position += 1 + (group.collapsed ? 0 : group.count);
    }
    return index;
  }

  query(offset: number, limit: number): RunQuery {
    return {
      conditions: $state.snapshot(this.conditions),
      sort: $state.snapshot(this.effectiveSort),
      scope: this.scope,
      starredOnly: this.starredOnly || undefined,
      offset,
      limit,
    };
  }

  /** The first page of the current query; `fresh` scrolls to the top and puts the cursor there. */
  async reload(fresh = false): Promise<void> {
    const generation = ++this.generation;
    this.pending.clear();
    if (fresh) {
      this.cursor = 0;
      this.anchor = 0;
      this.queryVersion++;
    }
    const grouped = this.groupBySweep;
    try {
      const page = await this.services.runs.queryRuns(this.query(0, PAGE_SIZE));
      if (generation !== this.generation) return;
      this.apply(page, grouped);
      // Swap in one step, so the table never flashes empty while the new first page loads.
      this.pages.clear();
      this.pages.set(0, page.rows);
      this.loaded = true;
      this.cursor = Math.min(this.cursor, Math.max(0, page.total - 1));
    } catch (error) {
      this.toasts.error(error);
    }
  }

  /**
   * Runs changed: reads the loaded pages again and swaps them in together, so the rows on screen
   * update where they are — the scroll position, cursor and selection stay.
   */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    this.pending.clear();
    const near = (page: number) => page >= Math.floor(this.visible.first / PAGE_SIZE) - 1 && page <= Math.floor(this.visible.last / PAGE_SIZE) + 1;
    const numbers = [...this.pages.keys()].filter(near);
    if (numbers.length === 0) numbers.push(Math.floor(this.visible.first / PAGE_SIZE));
    const grouped = this.groupBySweep;
    try {
      const answers = await Promise.all(numbers.map((number) => this.services.runs.queryRuns(this.query(number * PAGE_SIZE, PAGE_SIZE))));
      if (generation !== this.generation) return;
      this.apply(answers.at(-1)!, grouped);
      this.pages.clear();
      numbers.forEach((number, i) => this.pages.set(number, answers[i]!.rows));
      this.loaded = true;
      this.cursor = Math.min(this.cursor, Math.max(0, this.total - 1));
      void this.loadTags();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  private scheduleRefresh(): void {
    if (!this.shown) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 60);
  }

  private apply(page: { total: number; columns: RunColumn[]; groups: RunGroup[]; scopeCounts: Record<RunScope, number>; unknownKeys: string[] }, grouped: boolean): void {
    this.total = page.total;
    this.columns = page.columns;
    this.groups = page.groups;
    this.groupsShown = grouped;
    this.scopeCounts = page.scopeCounts;
    this.unknownKeys = page.unknownKeys;
  }

  /** The table's rows on screen (first and last index), for what a refresh reads again. */
  setVisible(first: number, last: number): void {
    this.visible = { first, last };
  }

  /** Loads the pages covering rows [start, end) that are not loaded yet. */
  ensureRange(start: number, end: number): void {
    for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(Math.max(start, end - 1) / PAGE_SIZE); page++) {
      if (this.pages.has(page) || this.pending.has(page) || page * PAGE_SIZE >= this.total) continue;
      this.pending.add(page);
      const generation = this.generation;
      const grouped = this.groupBySweep;
      this.services.runs
        .queryRuns(this.query(page * PAGE_SIZE, PAGE_SIZE))
        .then((result) => {
          if (generation !== this.generation) return;
          this.pages.set(page, result.rows);
          this.apply(result, grouped);
        })
        .catch((error: unknown) => this.toasts.error(error))
        .finally(() => this.pending.delete(page));
    }
  }

  async loadTags(): Promise<void> {
    try {
      this.tags = await this.services.runs.tags();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  // ---- the query ----

  /** Takes the typed text; the table follows a moment after typing stops, by the parts that parse. */
  setFilterText(text: string): void {
    this.filterText = text;
    clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => this.applyFilter(), FILTER_DELAY_MS);
  }

  /** Applies the typed filter now (Enter in the box), by the parts that parse and name known keys. */
  applyFilter(): void {
    clearTimeout(this.filterTimer);
    // A key no run has (often one still being typed) is left out like a part that does not parse,
    // and named in `problems`: the table keeps filtering by the rest instead of going empty.
    const conditions = parseRunFilter(this.filterText).conditions.filter((condition) => this.columns.length === 0 || this.columnByKey.has(condition.key));
    if (JSON.stringify(conditions) === JSON.stringify($state.snapshot(this.conditions))) return;
    this.conditions = conditions;
    this.selection.clear();
    void this.reload(true);
  }

  setScope(scope: RunScope): void {
    if (scope === this.scope) return;
    this.scope = scope;
    this.selection.clear();
    void this.reload(true);
  }

  setStarredOnly(starredOnly: boolean): void {
    this.starredOnly = starredOnly;
    this.selection.clear();
    void this.reload(true);
  }

  setGroupBySweep(grouped: boolean): void {
    this.groupBySweep = grouped;
    void this.reload(true);
  }

  toggleGroup(key: string): void {
    if (this.collapsed.has(key)) this.collapsed.delete(key);
    else this.collapsed.add(key);
  }

  /**
   * Header click semantics: a click sorts by the column alone (again: the other direction); with
   * Shift it adds the column as the next key (again: flips it; a third time removes it).
   */
  sortBy(key: string, additive: boolean): void {
    const type = this.columnByKey.get(key)?.type;
    const first: RunSort['direction'] = type === 'number' || key === 'created' || key === 'starred' ? 'desc' : 'asc';
    const existing = this.sort.find((item) => item.key === key);
    if (!additive) {
      const only = this.sort.length === 1 && existing;
      this.sort = [{ key, direction: only ? (existing.direction === 'asc' ? 'desc' : 'asc') : first }];
    } else if (!existing) {
      this.sort = [...this.sort, { key, direction: first }].slice(-9);
    } else if (existing.direction === first) {
      this.sort = this.sort.map((item) => (item.key === key ? { key, direction: first === 'asc' ? 'desc' : 'asc' } : item));
    } else {
      const rest = this.sort.filter((item) => item.key !== key);
      this.sort = rest.length ? rest : defaultSort;
    }
    void this.reload(true);
  }

  // ---- columns ----

  setColumns(keys: string[]): void {
    this.visibleColumns = keys;
    store(COLUMNS_KEY, keys);
  }

  /** Moves a shown column to another's place (the others shift over). */
  moveColumn(key: string, to: number): void {
    const from = this.visibleColumns.indexOf(key);
    const target = Math.max(0, Math.min(this.visibleColumns.length - 1, to));
    if (from < 0 || from === target) return;
    const keys = this.visibleColumns.filter((item) => item !== key);
    keys.splice(target, 0, key);
    this.setColumns(keys);
  }

  /** A column's dragged width; null puts its default back. */
  setColumnWidth(key: string, width: number | null): void {
    const rest = { ...this.columnWidths };
    delete rest[key];
    this.columnWidths = width === null ? rest : { ...rest, [key]: Math.round(Math.max(COLUMN_WIDTH_LIMITS.min, Math.min(COLUMN_WIDTH_LIMITS.max, width))) };
    store(WIDTHS_KEY, this.columnWidths);
  }

  toggleColumn(key: string): void {
    this.setColumns(this.visibleColumns.includes(key) ? this.visibleColumns.filter((item) => item !== key) : [...this.visibleColumns, key]);
  }

  resetColumns(): void {
    this.setColumns([...defaultRunColumns]);
    this.columnWidths = {};
    store(WIDTHS_KEY, {});
  }

  // ---- selection and cursor ----

  /**
   * File-manager clicks: plain selects one, Ctrl/Cmd toggles, Shift extends from the anchor.
   * `runId` is the run the clicked line showed: a click that lands as a refresh swaps the rows is dropped.
   */
  click(index: number, modifiers: { toggle: boolean; extend: boolean }, runId?: string): void {
    const row = this.rowAt(index);
    if (!row || (runId !== undefined && row.id !== runId)) return;
    if (modifiers.extend) {
      void this.selectRange(this.anchor, index, modifiers.toggle);
    } else if (modifiers.toggle) {
      this.toggleSelected(index);
    } else {
      this.selection.clear();
      this.selection.add(row.id);
      this.anchor = index;
    }
    this.cursor = index;
    if (this.openRunId && !modifiers.extend && !modifiers.toggle) this.open(row.id);
  }

  /** Adds or removes one run (the checkbox, Space), leaving the rest of the selection. */
  toggleSelected(index: number, runId?: string): void {
    const row = this.rowAt(index);
    if (!row || (runId !== undefined && row.id !== runId)) return;
    if (this.selection.has(row.id)) this.selection.delete(row.id);
    else this.selection.add(row.id);
    this.anchor = index;
    this.cursor = index;
  }

  /** Moves the cursor over the runs on screen (collapsed groups are skipped); Shift extends the selection. */
  move(delta: number, extend = false): void {
    if (this.total === 0) return;
    let next = this.cursor;
    const step = Math.sign(delta);
    for (let moved = 0; moved < Math.abs(delta); moved++) {
      let candidate = next + step;
      while (candidate >= 0 && candidate < this.total && this.isHidden(candidate)) candidate += step;
      if (candidate < 0 || candidate >= this.total) break;
      next = candidate;
    }
    this.ensureRange(next, next + 1);
    if (extend) void this.selectRange(this.anchor, next, false);
    else this.anchor = next;
    this.cursor = next;
    const row = this.rowAt(next);
    if (row && this.openRunId) this.open(row.id);
  }

  private isHidden(index: number): boolean {
    return Boolean(this.layout?.some((group) => group.collapsed && index >= group.start && index < group.start + group.count));
  }

  /** Selects every run the filter matches in this scope, loaded or not. */
  async selectAll(): Promise<void> {
    try {
      const ids = await this.services.runs.runIds({ conditions: $state.snapshot(this.conditions), scope: this.scope, starredOnly: this.starredOnly || undefined });
      this.selection.clear();
      for (const id of ids) this.selection.add(id);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  clearSelection(): void {
    this.selection.clear();
  }

  private async selectRange(from: number, to: number, keep: boolean): Promise<void> {
    const [low, high] = from <= to ? [from, to] : [to, from];
    const ids: string[] = [];
    let missing = false;
    for (let index = low; index <= high && !missing; index++) {
      const row = this.rowAt(index);
      if (row) ids.push(row.id);
      else missing = true;
    }
    if (missing) {
      // Part of the range never scrolled into view: read it from the service, in the table's order.
      ids.length = 0;
      const generation = this.generation;
      try {
        for (let offset = low; offset <= high; offset += MAX_PAGE) {
          const page = await this.services.runs.queryRuns(this.query(offset, Math.min(MAX_PAGE, high - offset + 1)));
          ids.push(...page.rows.map((row) => row.id));
        }
      } catch (error) {
        this.toasts.error(error);
        return;
      }
      if (generation !== this.generation) return;
    }
    if (!keep) this.selection.clear();
    for (const id of ids) this.selection.add(id);
  }

  /** The runs an action applies to: the selection, or the run under the cursor. */
  targetIds(): string[] {
    if (this.selection.size > 0) return [...this.selection];
    return this.current ? [this.current.id] : [];
  }

  // ---- the open run ----

  open(runId: string): void {
    if (this.openRunId === runId) return;
    this.openRunId = runId;
    this.detail = null;
    void this.loadDetail();
  }

  closeDetail(): void {
    this.openRunId = null;
    this.detail = null;
  }

  /** The loaded row of the open run, when it is on a loaded page. */
  rowOf(runId: string): RunRow | undefined {
    for (const page of this.pages.values()) {
      const row = page.find((item) => item.id === runId);
      if (row) return row;
    }
    return undefined;
  }

  private async loadDetail(): Promise<void> {
    const runId = this.openRunId;
    if (!runId) return;
    const generation = ++this.detailGeneration;
    try {
      const detail = await this.services.runs.getRun({ runId });
      if (generation === this.detailGeneration && runId === this.openRunId) this.detail = detail;
    } catch (error) {
      if (generation === this.detailGeneration) this.toasts.error(error);
    }
  }

  // ---- edits ----

  /** Stars the targets, or unstars them when every one is starred already. */
  async toggleStar(ids = this.targetIds()): Promise<void> {
    if (ids.length === 0) return;
    // A lookup for this one call; nothing renders from it.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const wanted = new Set(ids);
    let allStarred = true;
    for (const page of this.pages.values()) for (const row of page) if (wanted.has(row.id) && !row.starred) allStarred = false;
    const starred = !allStarred;
    await this.setStarred(ids, starred);
  }

  async setStarred(ids: string[], starred: boolean): Promise<void> {
    await this.edit(() => this.services.runs.setStarred({ runIds: ids, starred }));
  }

  async addTags(tags: string[], ids = this.targetIds()): Promise<boolean> {
    const result = await this.edit(() => this.services.runs.addTags({ runIds: ids, tags }));
    if (result) this.toasts.show('success', `Tagged ${plural(ids.length, 'run')} ${tags.map((tag) => `"${tag}"`).join(', ')}`);
    return result !== null;
  }

  async removeTags(tags: string[], ids = this.targetIds()): Promise<boolean> {
    const result = await this.edit(() => this.services.runs.removeTags({ runIds: ids, tags }));
    if (result) this.toasts.show('success', `Removed ${tags.map((tag) => `"${tag}"`).join(', ')} from ${plural(result.changed, 'run')}`);
    return result !== null;
  }

  async setNote(runId: string, note: string): Promise<boolean> {
    return (await this.edit(() => this.services.runs.setNote({ runIds: [runId], note }))) !== null;
  }

  /** Archive, unarchive, delete or restore: the runs leave this scope, and the toast can take it back. */
  async lifecycle(action: 'archive' | 'unarchive' | 'delete' | 'restore', ids = this.targetIds()): Promise<void> {
    if (ids.length === 0) return;
    const runs = this.services.runs;
    const archive = (input: { runIds: string[] }) => runs.archiveRuns(input);
    const unarchive = (input: { runIds: string[] }) => runs.unarchiveRuns(input);
    const remove = (input: { runIds: string[] }) => runs.deleteRuns(input);
    const restore = (input: { runIds: string[] }) => runs.restoreRuns(input);
    const steps = {
      archive: { run: archive, back: unarchive, done: 'Archived' },
      unarchive: { run: unarchive, back: archive, done: 'Unarchived' },
      delete: { run: remove, back: restore, done: 'Deleted' },
      restore: { run: restore, back: remove, done: 'Restored' },
    }[action];
    const result = await this.edit(() => steps.run({ runIds: ids }));
    if (!result) return;
    for (const id of ids) this.selection.delete(id);
    if (this.openRunId && ids.includes(this.openRunId)) this.closeDetail();
    const where = action === 'delete' ? ' (kept in Deleted until you empty it)' : '';
    this.offerUndo(`${steps.done} ${plural(result.changed, 'run')}${where}`, async () => {
      await this.edit(() => steps.back({ runIds: ids }));
    });
  }

  /** Removes deleted runs for good, with their folders: the given ones, or the whole Deleted list. */
  async purge(ids?: string[]): Promise<void> {
    try {
      const result = await this.services.runs.purgeDeletedRuns({ runIds: ids });
      for (const id of ids ?? [...this.selection]) this.selection.delete(id);
      this.toasts.show('success', `Removed ${plural(result.purged, 'run')} for good, freeing ${formatMegabytes(result.bytesFreed)}`);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  /** The runs as CSV (the visible columns) or JSON (everything), as the service writes them. */
  async exportRuns(format: 'csv' | 'json', ids = this.targetIds()): Promise<{ fileName: string; mimeType: string; text: string } | null> {
    if (ids.length === 0) return null;
    try {
      const columns = this.visibleColumns.filter((key) => key !== 'id' && this.columnByKey.has(key));
      return await this.services.runs.exportRuns({ runIds: ids, format, columns: format === 'csv' ? columns : undefined });
    } catch (error) {
      this.toasts.error(error);
      return null;
    }
  }

  dismissUndo(): void {
    clearTimeout(this.undoTimer);
    this.undoable = null;
  }

  async runUndo(): Promise<void> {
    const undoable = this.undoable;
    this.dismissUndo();
    await undoable?.undo();
  }

  private offerUndo(message: string, undo: () => Promise<void>): void {
    clearTimeout(this.undoTimer);
    const id = this.nextUndo++;
    this.undoable = { id, message, undo };
    this.undoTimer = setTimeout(() => {
      if (this.undoable?.id === id) this.undoable = null;
    }, 10_000);
  }

  /** Runs an edit, reporting a failure as a toast; the table refreshes from the change event. */
  private async edit(action: () => Promise<RunChangeResult>): Promise<RunChangeResult | null> {
    this.busy = true;
    try {
      return await action();
    } catch (error) {
      this.toasts.error(error);
      return null;
    } finally {
      this.busy = false;
    }
  }
}

function readColumns(): string[] {
  return readStored(COLUMNS_KEY, (value): value is string[] => Array.isArray(value) && value.every((key) => typeof key === 'string')) ?? [...defaultRunColumns];
}

const isWidths = (value: unknown): value is Record<string, number> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((width) => typeof width === 'number' && Number.isFinite(width));

/** A stored choice, or null when there is none or it is damaged (the defaults apply then). */
function readStored<T>(key: string, valid: (value: unknown) => value is T): T | null {
  try {
    const stored = JSON.parse(globalThis.localStorage?.getItem(key) ?? 'null') as unknown;
    return valid(stored) ? stored : null;
  } catch {
    return null;
  }
}

function store(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the choice lasts for this session.
  }
}

/** A close key for a mistyped one, "val_acc" → `; did you mean "val_accuracy"?`. */
function suggestion(key: string, columns: readonly RunColumn[]): string {
  const lower = key.toLowerCase();
  const match =
    columns.find((column) => column.key.toLowerCase() === lower) ??
    columns.find((column) => column.key.toLowerCase().startsWith(lower)) ??
    columns.find((column) => column.key.toLowerCase().endsWith(`.${lower}`)) ??
    columns.find((column) => column.key.toLowerCase().includes(lower));
  return match ? `; did you mean "${match.key}"?` : '';
}

const plural = (count: number, noun: string) => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
const formatMegabytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`);
