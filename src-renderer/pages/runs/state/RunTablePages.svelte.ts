import { SvelteMap } from 'svelte/reactivity';
import type { ServiceTable } from '../../../../src-shared/contract/ServiceTable.ts';
import type { RunScope } from '../../../../src-shared/model/RunQuery.ts';
import type { RunColumn, RunGroup, RunPage, RunRow } from '../../../../src-shared/model/RunTable.ts';
import { LatestRequest } from '../../../lib/state/LatestRequest.ts';
import type { ToastState } from '../../../lib/state/ToastState.svelte.ts';
import type { RunTableFilter } from './RunTableFilter.svelte.ts';

export const RUN_PAGE_SIZE = 100;
/** The largest page the service answers; a range over unseen rows is read in pieces this size. */
const MAX_PAGE = 10_000;

/**
 * The runs the filter matches, read in pages as they scroll into view (so 10,000 runs cost what is
 * on screen), with what the service says about them all: the total, the keys runs have, the sweep
 * groups and the counts per scope. A newer query makes every reply still on its way stale.
 */
export class RunTablePages {
  total = $state(0);
  /** Every key runs have, as the last reply said. */
  columns = $state<RunColumn[]>([]);
  groups = $state<RunGroup[]>([]);
  /** Whether the rows loaded were answered for the grouped order: headers wait for them, so they never frame the old order. */
  groupsShown = $state(false);
  scopeCounts = $state<Record<RunScope, number>>({ active: 0, archived: 0, deleted: 0 });
  unknownKeys = $state<string[]>([]);
  loaded = $state(false);
  /** Bumped when the query changes (not on a live refresh): the table scrolls back to the top. */
  queryVersion = $state(0);

  // Rebuilt whole when the columns change and never mutated: a plain Map is enough.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  columnByKey = $derived(new Map(this.columns.map((column) => [column.key, column])));

  private pages = new SvelteMap<number, RunRow[]>();
  // Requests in flight; nothing renders from it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private pending = new Set<number>();
  private readonly requests = new LatestRequest();
  /** Rows on screen, as the table last said: a refresh reads the pages around them, not every page ever seen. */
  private visible = { first: 0, last: 0 };

  constructor(
    private readonly services: ServiceTable,
    private readonly toasts: ToastState,
    private readonly filter: RunTableFilter,
    /** A reply was applied: the total the cursor must stay within. */
    private readonly answered: (total: number) => void,
  ) {}

  /** The first page of the current query; `fresh` (a new query) scrolls the table to the top. */
  async reload(fresh = false): Promise<void> {
    const request = this.requests.next();
    this.pending.clear();
    if (fresh) this.queryVersion++;
    const grouped = this.filter.groupBySweep;
    try {
      const page = await this.services.runs.queryRuns(this.filter.toQuery(0, RUN_PAGE_SIZE));
      if (request.stale) return;
      this.apply(page, grouped);
      // Swap in one step, so the table never flashes empty while the new first page loads.
      this.pages.clear();
      this.pages.set(0, page.rows);
      this.loaded = true;
      this.answered(page.total);
    } catch (error) {
      if (!request.stale) this.toasts.error(error);
    }
  }

  /**
   * Runs changed: reads the loaded pages near the rows on screen again and swaps them in together,
   * so the rows update where they are. True when the answer was applied (not superseded, no error).
   */
  async refresh(): Promise<boolean> {
    const request = this.requests.next();
    this.pending.clear();
    const near = (page: number) =>
      page >= Math.floor(this.visible.first / RUN_PAGE_SIZE) - 1 &&
      page <= Math.floor(this.visible.last / RUN_PAGE_SIZE) + 1;
    const numbers = [...this.pages.keys()].filter(near);
    if (numbers.length === 0) numbers.push(Math.floor(this.visible.first / RUN_PAGE_SIZE));
    const grouped = this.filter.groupBySweep;
    try {
      const answers = await Promise.all(
        numbers.map((number) =>
          this.services.runs.queryRuns(this.filter.toQuery(number * RUN_PAGE_SIZE, RUN_PAGE_SIZE)),
        ),
      );
      if (request.stale) return false;
      this.apply(answers.at(-1)!, grouped);
      this.pages.clear();
      numbers.forEach((number, i) => this.pages.set(number, answers[i]!.rows));
      this.loaded = true;
      this.answered(this.total);
      return true;
    } catch (error) {
      if (!request.stale) this.toasts.error(error);
      return false;
    }
  }

  /** The table's rows on screen (first and last index), for what a refresh reads again. */
  setVisible(first: number, last: number): void {
    this.visible = { first, last };
  }

  /** Loads the pages covering rows [start, end) that are not loaded yet. */
  ensureRange(start: number, end: number): void {
    const last = Math.floor(Math.max(start, end - 1) / RUN_PAGE_SIZE);
    for (let page = Math.floor(start / RUN_PAGE_SIZE); page <= last; page++) {
      if (this.pages.has(page) || this.pending.has(page) || page * RUN_PAGE_SIZE >= this.total) continue;
      this.pending.add(page);
      // A page of the query on screen: stale once another query (or a refresh) starts.
      const request = this.requests.current();
      const grouped = this.filter.groupBySweep;
      this.services.runs
        .queryRuns(this.filter.toQuery(page * RUN_PAGE_SIZE, RUN_PAGE_SIZE))
        .then((result) => {
          if (request.stale) return;
          this.pages.set(page, result.rows);
          this.apply(result, grouped);
        })
        .catch((error: unknown) => this.toasts.error(error))
        .finally(() => this.pending.delete(page));
    }
  }

  /** The row at an index of the sorted list, when its page is loaded (reactive). */
  rowAt(index: number): RunRow | undefined {
    return this.pages.get(Math.floor(index / RUN_PAGE_SIZE))?.[index % RUN_PAGE_SIZE];
  }

  /** A run's row, when it is on a loaded page. */
  rowOf(runId: string): RunRow | undefined {
    for (const row of this.loadedRows()) if (row.id === runId) return row;
    return undefined;
  }

  /** Every loaded row (reactive). */
  *loadedRows(): Generator<RunRow> {
    for (const page of this.pages.values()) yield* page;
  }

  /** The runs at indexes low..high of the sorted list, in order, when all of them are loaded; else null. */
  loadedIdsBetween(low: number, high: number): string[] | null {
    const ids: string[] = [];
    for (let index = low; index <= high; index++) {
      const row = this.rowAt(index);
      if (!row) return null;
      ids.push(row.id);
    }
    return ids;
  }

  /**
   * The runs at indexes low..high of the sorted list, in order, read from the service (part of the
   * range never scrolled into view). Null when the read failed (reported) or another query started meanwhile.
   */
  async readIdsBetween(low: number, high: number): Promise<string[] | null> {
    const request = this.requests.current();
    const ids: string[] = [];
    try {
      for (let offset = low; offset <= high; offset += MAX_PAGE) {
        const page = await this.services.runs.queryRuns(
          this.filter.toQuery(offset, Math.min(MAX_PAGE, high - offset + 1)),
        );
        ids.push(...page.rows.map((row) => row.id));
      }
    } catch (error) {
      this.toasts.error(error);
      return null;
    }
    return request.stale ? null : ids;
  }

  /** Every run the filter matches in its scope, loaded or not; null when the read failed (reported). */
  async allIds(): Promise<string[] | null> {
    try {
      return await this.services.runs.runIds(this.filter.toSelection());
    } catch (error) {
      this.toasts.error(error);
      return null;
    }
  }

  private apply(page: Omit<RunPage, 'rows'>, grouped: boolean): void {
    this.total = page.total;
    this.columns = page.columns;
    this.groups = page.groups;
    this.groupsShown = grouped;
    this.scopeCounts = page.scopeCounts;
    this.unknownKeys = page.unknownKeys;
  }
}
