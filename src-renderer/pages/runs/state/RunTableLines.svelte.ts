import { SvelteSet } from 'svelte/reactivity';
import type { RunTableFilter } from './RunTableFilter.svelte.ts';
import type { RunTablePages } from './RunTablePages.svelte.ts';

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

/**
 * The lines of the virtual list: one per run, plus a header per sweep when grouping by sweep, with
 * the runs of a folded sweep left out. Maps between a line's position and a run's index in the
 * sorted list.
 */
export class RunTableLines {
  /** Sweep names whose group is folded. */
  readonly collapsed = new SvelteSet<string>();

  /** Sweep groups in table order, with the rows they span; null when not grouping. */
  groups = $derived.by((): RunTableGroup[] | null => {
    if (!this.filter.groupBySweep || !this.pages.groupsShown) return null;
    const merged: RunTableGroup[] = [];
    let start = 0;
    for (const group of this.pages.groups) {
      const key = group.sweepName ?? '';
      const last = merged.at(-1);
      if (last && last.key === key) {
        last.count += group.count;
        last.sweepIds.push(group.sweepId);
      } else {
        const collapsed = this.collapsed.has(key);
        merged.push({
          key,
          sweepName: group.sweepName,
          sweepIds: [group.sweepId],
          count: group.count,
          start,
          collapsed,
        });
      }
      start += group.count;
    }
    return merged;
  });
  /** Lines in the virtual list. */
  count = $derived.by(() =>
    this.groups
      ? this.groups.reduce((sum, group) => sum + 1 + (group.collapsed ? 0 : group.count), 0)
      : this.pages.total,
  );

  constructor(
    private readonly filter: RunTableFilter,
    private readonly pages: RunTablePages,
  ) {}

  /** The line at a position of the virtual list. */
  at(position: number): RunTableItem {
    if (!this.groups) return { kind: 'row', index: position };
    let rest = position;
    for (const group of this.groups) {
      if (rest === 0) return { kind: 'group', group };
      rest -= 1;
      const shown = group.collapsed ? 0 : group.count;
      if (rest < shown) return { kind: 'row', index: group.start + rest };
      rest -= shown;
    }
    return { kind: 'row', index: position };
  }

  /** The position of a run's line, or its group header's when the group is folded. */
  positionOf(index: number): number {
    if (!this.groups) return index;
    let position = 0;
    for (const group of this.groups) {
      if (index >= group.start && index < group.start + group.count) {
        return group.collapsed ? position : position + 1 + index - group.start;
      }
      position += 1 + (group.collapsed ? 0 : group.count);
    }
    return index;
  }

  /** Whether a run is inside a folded group (the keyboard skips it). */
  isHidden(index: number): boolean {
    return Boolean(
      this.groups?.some((group) => group.collapsed && index >= group.start && index < group.start + group.count),
    );
  }

  /** Folds or unfolds a sweep's group. */
  toggle(key: string): void {
    if (this.collapsed.has(key)) this.collapsed.delete(key);
    else this.collapsed.add(key);
  }
}
