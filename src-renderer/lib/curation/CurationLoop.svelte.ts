import { untrack } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import type { ClipAudio } from '../../../src-shared/model/Clip.ts';
import type { LibraryState } from '../state/LibraryState.svelte.ts';
import type { ToastState } from '../state/ToastState.svelte.ts';

/**
 * Relabeling from a page's clip lists (the Train page's confusion cell, Compare's differences and
 * likely mislabeled clips): every label goes through the Library's own edit path, so it is one
 * recorded, undoable edit that fires the library-change event like a label given in the Library, and
 * Ctrl+Z here or there undoes it. The lists were fetched before the edit; until their owner reloads
 * them (on that change event) and calls `forget()`, the labels given here are shown over theirs.
 */
export class CurationLoop {
  /** Labels given from these lists since they were last fetched, by clip id. */
  readonly #given = new SvelteMap<number, string | null>();

  constructor(
    readonly library: LibraryState,
    private readonly toasts: ToastState,
  ) {}

  /** The labels' hotkeys, as the Library's chips show them. */
  get hotkeys(): Readonly<Record<string, string>> {
    return this.library.hotkeys;
  }

  /** The library's label names, sorted: the relabel choices. */
  get labelNames(): string[] {
    return this.library.labels.map((label) => label.label).sort();
  }

  hotkeyOf(label: string): string | undefined {
    return this.library.hotkeyOf(label);
  }

  /** The hotkeys and label choices come from the Library's label list: load it if the Library was never opened. */
  ensureLabels(): void {
    if (!this.library.loaded) untrack(() => void this.library.reload());
  }

  /** Relabels one clip as one undoable library edit; true when it was done. */
  async relabel(clipId: number, label: string | null): Promise<boolean> {
    const done = await this.library.relabel([clipId], label);
    if (done) this.#given.set(clipId, label);
    return done;
  }

  /** The label a clip has now: the one given here, else the list's. */
  labelNow(clipId: number, listed: string | null): string | null {
    return this.#given.has(clipId) ? this.#given.get(clipId)! : listed;
  }

  /** Whether a label was given to the clip here since its list was fetched. */
  relabeledHere(clipId: number): boolean {
    return this.#given.has(clipId);
  }

  /** The lists were fetched again and carry the current labels themselves. */
  forget(): void {
    this.#given.clear();
  }

  /** Undoes the newest library change, as the Library's Ctrl+Z does; the lists reload from the change event. */
  undo(): Promise<void> {
    return this.library.undo();
  }

  redo(): Promise<void> {
    return this.library.redo();
  }

  /** A clip's decoded audio, for playing; null (and a notice) when it cannot be read. */
  async audioOf(clipId: number): Promise<ClipAudio | null> {
    try {
      return await this.library.services.library.clipAudio({ clipId });
    } catch (error) {
      this.toasts.error(error);
      return null;
    }
  }

  reportError(error: unknown): void {
    this.toasts.error(error);
  }
}
