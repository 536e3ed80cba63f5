/** An edit that can be taken back from the toast that reports it. */
export interface Undoable {
  id: number;
  message: string;
  undo: () => Promise<void>;
}

const OFFER_MS = 10_000;

/** The one edit the page offers to take back, for ten seconds or until the next edit replaces it. */
export class UndoOffer {
  current = $state<Undoable | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private nextId = 1;

  offer(message: string, undo: () => Promise<void>): void {
    clearTimeout(this.timer);
    const id = this.nextId++;
    this.current = { id, message, undo };
    this.timer = setTimeout(() => {
      if (this.current?.id === id) this.current = null;
    }, OFFER_MS);
  }

  dismiss(): void {
    clearTimeout(this.timer);
    this.current = null;
  }

  /** Takes the offered edit back (once: the offer is gone at once). */
  async run(): Promise<void> {
    const offered = this.current;
    this.dismiss();
    await offered?.undo();
  }
}
