import type { ServiceTable } from '../../../../src-shared/contract/ServiceTable.ts';
import type { RunChangeResult, RunTagCount } from '../../../../src-shared/model/RunTable.ts';
import type { ToastState } from '../../../lib/state/ToastState.svelte.ts';
import type { RunTableColumns } from './RunTableColumns.svelte.ts';
import type { RunTableDetail } from './RunTableDetail.svelte.ts';
import type { RunTablePages } from './RunTablePages.svelte.ts';
import type { RunTableSelection } from './RunTableSelection.svelte.ts';
import { UndoOffer } from './UndoOffer.svelte.ts';

/** What an edit applies to and what it changes on the page besides the rows. */
export interface RunTableEditsParts {
  selection: RunTableSelection;
  pages: RunTablePages;
  detail: RunTableDetail;
  columns: RunTableColumns;
}

/**
 * Edits of many runs at once: star, tags, note, archive, delete, restore and purge, and export.
 * Without runs named, an edit applies to the selection, or the run under the cursor. Failures are
 * toasts; the rows refresh from the service's change event. Lifecycle edits can be taken back from
 * the toast that reports them (`undo`).
 */
export class RunTableEdits {
  busy = $state(false);
  /** Every tag with its run count, most used first: the tag editor's completions. */
  tags = $state<RunTagCount[]>([]);
  readonly undo = new UndoOffer();

  constructor(
    private readonly services: ServiceTable,
    private readonly toasts: ToastState,
    private readonly parts: RunTableEditsParts,
  ) {}

  /** Stars the targets, or unstars them when every loaded one is starred already. */
  async toggleStar(ids = this.parts.selection.targetIds()): Promise<void> {
    if (ids.length === 0) return;
    // A lookup for this one call; nothing renders from it.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const wanted = new Set(ids);
    let allStarred = true;
    for (const row of this.parts.pages.loadedRows()) if (wanted.has(row.id) && !row.starred) allStarred = false;
    await this.setStarred(ids, !allStarred);
  }

  async setStarred(ids: string[], starred: boolean): Promise<void> {
    await this.edit(() => this.services.runs.setStarred({ runIds: ids, starred }));
  }

  async addTags(tags: string[], ids = this.parts.selection.targetIds()): Promise<boolean> {
    const result = await this.edit(() => this.services.runs.addTags({ runIds: ids, tags }));
    if (result) this.toasts.show('success', `Tagged ${plural(ids.length, 'run')} ${quoted(tags)}`);
    return result !== null;
  }

  async removeTags(tags: string[], ids = this.parts.selection.targetIds()): Promise<boolean> {
    const result = await this.edit(() => this.services.runs.removeTags({ runIds: ids, tags }));
    if (result) this.toasts.show('success', `Removed ${quoted(tags)} from ${plural(result.changed, 'run')}`);
    return result !== null;
  }

  async setNote(runId: string, note: string): Promise<boolean> {
    return (await this.edit(() => this.services.runs.setNote({ runIds: [runId], note }))) !== null;
  }

  /** Archive, unarchive, delete or restore: the runs leave this scope, and the toast can take it back. */
  async lifecycle(
    action: 'archive' | 'unarchive' | 'delete' | 'restore',
    ids = this.parts.selection.targetIds(),
  ): Promise<void> {
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
    this.parts.selection.remove(ids);
    this.parts.detail.closeIfAmong(ids);
    const where = action === 'delete' ? ' (kept in Deleted until you empty it)' : '';
    this.undo.offer(`${steps.done} ${plural(result.changed, 'run')}${where}`, async () => {
      await this.edit(() => steps.back({ runIds: ids }));
    });
  }

  /** Removes deleted runs for good, with their folders: the given ones, or the whole Deleted list. */
  async purge(ids?: string[]): Promise<void> {
    try {
      const result = await this.services.runs.purgeDeletedRuns({ runIds: ids });
      this.parts.selection.remove(ids ?? this.parts.selection.ids);
      const freed = formatMegabytes(result.bytesFreed);
      this.toasts.show('success', `Removed ${plural(result.purged, 'run')} for good, freeing ${freed}`);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  /** The runs as CSV (the visible columns) or JSON (everything), as the service writes them. */
  async exportRuns(
    format: 'csv' | 'json',
    ids = this.parts.selection.targetIds(),
  ): Promise<{ fileName: string; mimeType: string; text: string } | null> {
    if (ids.length === 0) return null;
    try {
      const known = this.parts.pages.columnByKey;
      const columns = this.parts.columns.visible.filter((key) => key !== 'id' && known.has(key));
      return await this.services.runs.exportRuns({
        runIds: ids,
        format,
        columns: format === 'csv' ? columns : undefined,
      });
    } catch (error) {
      this.toasts.error(error);
      return null;
    }
  }

  async loadTags(): Promise<void> {
    try {
      this.tags = await this.services.runs.tags();
    } catch (error) {
      this.toasts.error(error);
    }
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

const quoted = (tags: string[]) => tags.map((tag) => `"${tag}"`).join(', ');
const plural = (count: number, noun: string) => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
const formatMegabytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
