/** A subscription: call it with a listener, get back the function that unsubscribes. */
export type Event<T> = (listener: (value: T) => void) => () => void;

/** A minimal typed emitter: `event` is handed out, `fire` stays with the owner. */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // One broken listener must not starve the others.
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
