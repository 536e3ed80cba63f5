import { SvelteSet } from 'svelte/reactivity';
import type { RunRow } from '../../../../src-shared/model/RunTable.ts';
import type { RunTableDetail } from './RunTableDetail.svelte.ts';
import type { RunTableLines } from './RunTableLines.svelte.ts';
import type { RunTablePages } from './RunTablePages.svelte.ts';

/**
 * The selected runs and the keyboard cursor, with file-manager clicks (plain, Ctrl/Cmd, Shift from
 * an anchor) and arrow keys. The selection holds run ids, so it survives scrolling, refreshes and
 * runs that were never loaded ("select all", a Shift range over unseen rows). When the side panel
 * is open, it follows the cursor.
 */
export class RunTableSelection {
  private readonly selected = new SvelteSet<string>();
  /** Index (in the sorted list) of the row the keyboard is on. */
  cursor = $state(0);
  /** Where a Shift range starts: the last run clicked or moved to without Shift. */
  private anchor = 0;

  /** The selected ids, in the order they were selected. */
  ids = $derived([...this.selected]);
  size = $derived(this.selected.size);
  /** The loaded rows among the selection: what the action bar can say about the selected runs. */
  rows = $derived.by(() => {
    const rows: RunRow[] = [];
    for (const row of this.pages.loadedRows()) if (this.selected.has(row.id)) rows.push(row);
    return rows;
  });
  /** The run under the cursor, when its page is loaded. */
  current = $derived.by(() => this.pages.rowAt(this.cursor) ?? null);

  constructor(
    private readonly pages: RunTablePages,
    private readonly lines: RunTableLines,
    private readonly detail: RunTableDetail,
  ) {}

  has(runId: string): boolean {
    return this.selected.has(runId);
  }

  /**
   * File-manager clicks: plain selects one, Ctrl/Cmd toggles, Shift extends from the anchor.
   * `runId` is the run the clicked line showed: a click that lands as a refresh swaps the rows is dropped.
   */
  click(index: number, modifiers: { toggle: boolean; extend: boolean }, runId?: string): void {
    const row = this.pages.rowAt(index);
    if (!row || (runId !== undefined && row.id !== runId)) return;
    if (modifiers.extend) {
      void this.selectRange(this.anchor, index, modifiers.toggle);
    } else if (modifiers.toggle) {
      this.toggle(index);
    } else {
      this.selected.clear();
      this.selected.add(row.id);
      this.anchor = index;
    }
    this.cursor = index;
    if (this.detail.runId && !modifiers.extend && !modifiers.toggle) this.detail.open(row.id);
  }

  /** Adds or removes one run (the checkbox, Space), leaving the rest of the selection. */
  toggle(index: number, runId?: string): void {
    const row = this.pages.rowAt(index);
    if (!row || (runId !== undefined && row.id !== runId)) return;
    if (this.selected.has(row.id)) this.selected.delete(row.id);
    else this.selected.add(row.id);
    this.anchor = index;
    this.cursor = index;
  }

  /** Moves the cursor over the runs on screen (folded groups are skipped); Shift extends the selection. */
  move(delta: number, extend = false): void {
    const total = this.pages.total;
    if (total === 0) return;
    let next = this.cursor;
    const step = Math.sign(delta);
    for (let moved = 0; moved < Math.abs(delta); moved++) {
      let candidate = next + step;
      while (candidate >= 0 && candidate < total && this.lines.isHidden(candidate)) candidate += step;
      if (candidate < 0 || candidate >= total) break;
      next = candidate;
    }
    this.pages.ensureRange(next, next + 1);
    if (extend) void this.selectRange(this.anchor, next, false);
    else this.anchor = next;
    this.cursor = next;
    const row = this.pages.rowAt(next);
    if (row && this.detail.runId) this.detail.open(row.id);
  }

  /** Selects every run the filter matches in this scope, loaded or not. */
  async selectAll(): Promise<void> {
    const ids = await this.pages.allIds();
    if (!ids) return;
    this.selected.clear();
    for (const id of ids) this.selected.add(id);
  }

  clear(): void {
    this.selected.clear();
  }

  /** Takes runs out of the selection (they left the table). */
  remove(runIds: Iterable<string>): void {
    for (const id of runIds) this.selected.delete(id);
  }

  /** The runs an action applies to: the selection, or the run under the cursor. */
  targetIds(): string[] {
    if (this.selected.size > 0) return [...this.selected];
    return this.current ? [this.current.id] : [];
  }

  /** A new query: the cursor and the Shift anchor go back to the first run. */
  home(): void {
    this.cursor = 0;
    this.anchor = 0;
  }

  /** Keeps the cursor on a run after the list shrank. */
  clampCursor(total: number): void {
    this.cursor = Math.min(this.cursor, Math.max(0, total - 1));
  }

  private async selectRange(from: number, to: number, keep: boolean): Promise<void> {
    const [low, high] = from <= to ? [from, to] : [to, from];
    // Loaded rows answer at once; a range reaching rows never scrolled into view is read, in the table's order.
    const ids = this.pages.loadedIdsBetween(low, high) ?? (await this.pages.readIdsBetween(low, high));
    if (!ids) return;
    if (!keep) this.selected.clear();
    for (const id of ids) this.selected.add(id);
  }
}
