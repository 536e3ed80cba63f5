import { parseRunFilter } from '../../../../src-shared/compare/parseRunFilter.ts';
import type { RunCondition, RunQuery, RunScope, RunSort } from '../../../../src-shared/model/RunQuery.ts';
import type { RunColumn, RunSelection } from '../../../../src-shared/model/RunTable.ts';

const FILTER_DELAY_MS = 200;
const defaultSort: RunSort[] = [{ key: 'created', direction: 'desc' }];

/**
 * Which runs the table asks for and in what order: the typed filter, the scope tab, starred only,
 * grouping by sweep and the sort keys. Every change that picks other runs or another order is
 * reported through `changed`; `clearsSelection` is set when other runs match, so the old selection
 * no longer applies (a new order or grouping keeps it).
 */
export class RunTableFilter {
  scope = $state<RunScope>('active');
  starredOnly = $state(false);
  groupBySweep = $state(false);
  /** The filter as typed; `conditions` is what the table shows, applied a moment after typing stops. */
  filterText = $state('');
  conditions = $state<RunCondition[]>([]);
  sort = $state<RunSort[]>(defaultSort);
  private filterTimer: ReturnType<typeof setTimeout> | undefined;

  // Rebuilt whole when the columns change and never mutated: a plain Map is enough.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private columnByKey = $derived.by(() => new Map(this.knownColumns().map((column) => [column.key, column])));
  /** What the filter box says about its text now: parse problems at once, unknown keys once the table has answered. */
  problems = $derived.by(() => {
    const columns = this.knownColumns();
    const parsed = parseRunFilter(this.filterText);
    const unknown = parsed.conditions
      .filter((condition) => columns.length > 0 && !this.columnByKey.has(condition.key))
      .map((condition) => `no run has "${condition.key}"${suggestion(condition.key, columns)}`);
    return [...parsed.problems, ...unknown].filter((problem, index, all) => all.indexOf(problem) === index);
  });
  /** The sort the service is asked for: grouped by sweep first when grouping. */
  effectiveSort = $derived<RunSort[]>(
    this.groupBySweep
      ? [{ key: 'sweep', direction: 'asc' }, ...this.sort.filter((item) => item.key !== 'sweep')]
      : this.sort,
  );
  filtering = $derived(this.conditions.length > 0 || this.starredOnly);

  constructor(
    /** The keys runs have, as the service last answered: unknown keys are named and left out. */
    private readonly knownColumns: () => readonly RunColumn[],
    private readonly changed: (change: { clearsSelection: boolean }) => void,
  ) {}

  /** A page of the current query. */
  toQuery(offset: number, limit: number): RunQuery {
    return { ...this.toSelection(), sort: $state.snapshot(this.effectiveSort), offset, limit };
  }

  /** Every run the current query matches, without order or page: "select all". */
  toSelection(): RunSelection {
    return {
      conditions: $state.snapshot(this.conditions),
      scope: this.scope,
      starredOnly: this.starredOnly || undefined,
    };
  }

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
    const noneKnown = this.knownColumns().length === 0;
    const conditions = parseRunFilter(this.filterText).conditions.filter(
      (condition) => noneKnown || this.columnByKey.has(condition.key),
    );
    if (JSON.stringify(conditions) === JSON.stringify($state.snapshot(this.conditions))) return;
    this.conditions = conditions;
    this.changed({ clearsSelection: true });
  }

  setScope(scope: RunScope): void {
    if (scope === this.scope) return;
    this.scope = scope;
    this.changed({ clearsSelection: true });
  }

  setStarredOnly(starredOnly: boolean): void {
    this.starredOnly = starredOnly;
    this.changed({ clearsSelection: true });
  }

  setGroupBySweep(grouped: boolean): void {
    this.groupBySweep = grouped;
    this.changed({ clearsSelection: false });
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
      this.sort = this.sort.map((item) =>
        item.key === key ? { key, direction: first === 'asc' ? 'desc' : 'asc' } : item,
      );
    } else {
      const rest = this.sort.filter((item) => item.key !== key);
      this.sort = rest.length ? rest : defaultSort;
    }
    this.changed({ clearsSelection: false });
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
