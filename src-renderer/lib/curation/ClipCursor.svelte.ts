import { tick } from 'svelte';
import { LatestRequest } from '../state/LatestRequest.ts';
import { playSamples } from '../ui/playSamples.ts';
import { onCurationKey, type CurationKeyEvent } from './curationKeys.ts';
import type { CurationLoop } from './CurationLoop.svelte.ts';

/** What every curated list's rows carry. */
export interface CuratedClip {
  clipId: number;
  originalName: string;
  /** The clip's label in the library when the list was fetched. */
  currentLabel: string | null;
}

/** Something that plays the cursor's clip with a waveform (Compare's clip pane). */
export interface ClipPlayer {
  toggle(): void;
}

/** The keys a list adds to the shared ones. */
export interface ClipListKeys {
  /** Enter. */
  accept?: () => void;
  /** Escape. */
  escape?: () => void;
}

/**
 * The cursor of a clip list and what it does: move, play, relabel through the library (one undoable
 * edit), undo. Lists with a waveform pane play there (`pane`); the others play the clip straight
 * through `playSamples`. Create during component setup; `stop()` when the list goes.
 */
export class ClipCursor<Row extends CuratedClip> {
  index = $state(0);
  /** The pane plays the clip it opens only when a play chose it, not when the keyboard moved there. */
  autoplay = $state(false);
  /** The clip playing through `playSamples`, if any. */
  playing = $state<number | null>(null);
  list: HTMLElement | undefined = $state();
  pane: ClipPlayer | undefined = $state();
  readonly current: Row | undefined = $derived.by(() => {
    const rows = this.#rows();
    return rows[Math.min(this.index, rows.length - 1)];
  });
  readonly #rows: () => Row[];
  readonly #withPane: boolean;
  readonly #audio = new LatestRequest();
  #stop: (() => void) | null = null;

  /** `withPane`: the page shows the cursor's clip in a pane with a waveform (`pane`), which plays it. */
  constructor(
    readonly loop: CurationLoop,
    rows: () => Row[],
    { withPane = false }: { withPane?: boolean } = {},
  ) {
    this.#rows = rows;
    this.#withPane = withPane;
  }

  move(delta: number): void {
    const count = this.#rows().length;
    if (count === 0) return;
    this.autoplay = false;
    this.index = Math.max(0, Math.min(count - 1, this.index + delta));
    void tick().then(() =>
      this.list?.querySelector<HTMLElement>(`[data-index="${this.index}"]`)?.scrollIntoView({ block: 'nearest' }),
    );
  }

  /** Plays the clip at `index` (the cursor's by default), or stops it when it is the one playing. */
  play(index = this.index): void {
    if (this.#withPane) {
      if (index === this.index && this.current) this.pane?.toggle();
      else {
        this.autoplay = true;
        this.index = index;
      }
      return;
    }
    this.index = index;
    const clip = this.#rows()[index];
    if (clip) void this.#playAlone(clip.clipId);
  }

  /** Stops what this list plays through `playSamples`. */
  stop(): void {
    this.#audio.cancel();
    this.#stop?.();
  }

  /** Relabels a row's clip; from the keyboard the cursor moves on after it: a labeling session's rhythm. */
  async relabel(row: Row, label: string | null, advance = false): Promise<void> {
    if ((await this.loop.relabel(row.clipId, label)) && advance) this.move(1);
  }

  /** The label a row's clip has now. */
  labelNow(row: Row): string | null {
    return this.loop.labelNow(row.clipId, row.currentLabel);
  }

  /** The list's keys: the shared curation keys on this cursor, plus what `extra` adds. */
  onKey(event: CurationKeyEvent, extra: ClipListKeys = {}): void {
    onCurationKey(event, this.loop.hotkeys, {
      move: (delta) => this.move(delta),
      play: () => this.play(),
      undo: () => void this.loop.undo(),
      redo: () => void this.loop.redo(),
      relabel: (label) => {
        if (this.current) void this.relabel(this.current, label, true);
      },
      accept: extra.accept,
      escape: extra.escape,
    });
  }

  async #playAlone(clipId: number): Promise<void> {
    if (this.playing === clipId) {
      this.stop();
      return;
    }
    const reply = await this.#audio.run(() => this.loop.audioOf(clipId));
    if (reply.stale || !reply.value) return;
    this.#stop = playSamples(reply.value.samples, reply.value.sampleRate, () => {
      if (this.playing === clipId) this.playing = null;
    });
    this.playing = clipId;
  }
}
