import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import type { ClipRow, LabelCount } from '../../../src-shared/model/Clip.ts';
import type { ToastState } from './ToastState.svelte.ts';

const PAGE_SIZE = 100;

/** The library's view of the project: label counts, the filtered clip page, the selected clip. */
export class LibraryState {
  labels = $state<LabelCount[]>([]);
  rows = $state<ClipRow[]>([]);
  total = $state(0);
  offset = $state(0);
  labelFilter = $state<string | undefined>(undefined);
  /** Keyword clips, or the background-noise material kept apart from the classes. */
  kind = $state<'sample' | 'noise'>('sample');
  search = $state('');
  selected = $state<ClipRow | null>(null);
  loading = $state(false);
  /** False until the first page arrives, so no one reads an empty table as an empty project. */
  loaded = $state(false);
  readonly pageSize = PAGE_SIZE;

  pageCount = $derived(Math.max(1, Math.ceil(this.total / PAGE_SIZE)));
  page = $derived(Math.floor(this.offset / PAGE_SIZE) + 1);

  constructor(
    private readonly services: ServiceTable,
    private readonly toasts: ToastState,
  ) {}

  private requestSeq = 0;

  async reload(): Promise<void> {
    // Only the newest request may write: typing in search fires several, answers can cross.
    const seq = ++this.requestSeq;
    this.loading = true;
    try {
      const [labels, page] = await Promise.all([
        this.services.library.labelCounts(),
        this.services.library.listClips({
          offset: this.offset,
          limit: PAGE_SIZE,
          label: this.kind === 'sample' ? this.labelFilter : undefined,
          kind: this.kind,
          search: this.search.trim() || undefined,
        }),
      ]);
      if (seq !== this.requestSeq) return;
      this.labels = labels;
      this.rows = page.rows;
      this.total = page.total;
      this.loaded = true;
      if (this.selected && !page.rows.some((row) => row.id === this.selected?.id)) this.selected = page.rows[0] ?? null;
      this.selected ??= page.rows[0] ?? null;
    } catch (error) {
      this.toasts.error(error);
    } finally {
      if (seq === this.requestSeq) this.loading = false;
    }
  }

  filterLabel(label: string | undefined): Promise<void> {
    this.labelFilter = this.labelFilter === label && this.kind === 'sample' ? undefined : label;
    this.kind = 'sample';
    this.offset = 0;
    return this.reload();
  }

  showNoise(): Promise<void> {
    this.kind = 'noise';
    this.labelFilter = undefined;
    this.offset = 0;
    return this.reload();
  }

  setSearch(text: string): Promise<void> {
    this.search = text;
    this.offset = 0;
    return this.reload();
  }

  goToPage(page: number): Promise<void> {
    this.offset = (Math.min(Math.max(page, 1), this.pageCount) - 1) * PAGE_SIZE;
    return this.reload();
  }

  /** Moves the selection by one row, crossing page boundaries. */
  async step(delta: 1 | -1): Promise<void> {
    const index = this.rows.findIndex((row) => row.id === this.selected?.id);
    const next = index + delta;
    if (next >= 0 && next < this.rows.length) {
      this.selected = this.rows[next]!;
      return;
    }
    const page = this.page + delta;
    if (page < 1 || page > this.pageCount) return;
    await this.goToPage(page);
    this.selected = delta > 0 ? (this.rows[0] ?? null) : (this.rows.at(-1) ?? null);
  }
}
