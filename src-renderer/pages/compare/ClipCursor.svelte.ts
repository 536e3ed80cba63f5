import { tick } from 'svelte';
import { appContext } from '../../lib/state/context.ts';
import { onClipListKey } from './onClipListKey.ts';

/**
 * The cursor of a Compare clip list and what the keys do with it: move, play, relabel, undo —
 * shared by the clip differences and the likely mislabeled lists so both answer alike.
 * Create during component setup.
 */
export class ClipCursor<Row extends { clipId: number }> {
  index = $state(0);
  /** The pane plays the clip it opens only when the play button chose it, not the keyboard. */
  autoplay = $state(false);
  list: HTMLElement | undefined = $state();
  pane: { toggle(): void } | undefined = $state();
  readonly #rows: () => Row[];
  readonly #context = appContext();
  readonly current: Row | undefined = $derived.by(() => {
    const rows = this.#rows();
    return rows[Math.min(this.index, rows.length - 1)];
  });

  constructor(rows: () => Row[]) {
    this.#rows = rows;
    const { library } = this.#context;
    // The library's labels give the hotkeys and the relabel choices; load them if the Library was never opened.
    $effect(() => {
      if (!library.loaded) void library.reload();
    });
  }

  move(delta: number): void {
    const count = this.#rows().length;
    if (count === 0) return;
    this.autoplay = false;
    this.index = Math.max(0, Math.min(count - 1, this.index + delta));
    void tick().then(() => this.list?.querySelector<HTMLElement>(`[data-index="${this.index}"]`)?.scrollIntoView({ block: 'nearest' }));
  }

  play(index: number): void {
    if (index === this.index && this.current) this.pane?.toggle();
    else {
      this.autoplay = true;
      this.index = index;
    }
  }

  /** From the keyboard, the cursor moves on after the relabel: a labeling session's rhythm. */
  async relabel(item: Row, label: string | null, advance = false): Promise<void> {
    if ((await this.#context.compare.relabel(item.clipId, label)) && advance) this.move(1);
  }

  /** The list's keys; `accept` is what Enter does, if anything. */
  onKey(event: KeyboardEvent, accept?: () => void): void {
    onClipListKey(event, this.#context.library.hotkeys, {
      move: (delta) => this.move(delta),
      play: () => this.play(this.index),
      undo: () => void this.#context.compare.undo(),
      relabel: (name) => {
        if (this.current) void this.relabel(this.current, name, true);
      },
      accept,
    });
  }
}
