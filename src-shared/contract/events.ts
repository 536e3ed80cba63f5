/** A subscription: call it with a listener, get back the function that unsubscribes. */
export type Event<T> = (listener: (value: T) => void) => () => void;

/** Told when a listener throws: the error, and the emitter's name when it was given one. */
export type ListenerErrorHandler = (error: unknown, emitterName: string | undefined) => void;

export interface EmitterOptions {
  /** Names the event in error reports, e.g. `training.onDidProgress`. */
  name?: string;
  /** Where a listener's exception goes; by default the console, as an error. */
  onListenerError?: ListenerErrorHandler;
}

/**
 * The default report. src-shared compiles without DOM or Node types, but every runtime this code
 * runs in (Node, Electron, a browser) has a console; in dev tools the error keeps its stack.
 * Not rethrown: in the main process an uncaught exception would end the app.
 */
const reportToConsole: ListenerErrorHandler = (error, emitterName) => {
  const sink = (globalThis as { console?: { error(...data: unknown[]): void } }).console;
  sink?.error(`A listener of ${emitterName ?? 'an event'} threw:`, error);
};

/**
 * A minimal typed emitter: `event` is handed out, `fire` stays with the owner. A listener that
 * throws is reported (as VS Code's emitter hands it to onUnexpectedError) and the others still run.
 */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly options: EmitterOptions = {}) {}

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
      } catch (error) {
        this.report(error);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private report(error: unknown): void {
    const { name, onListenerError } = this.options;
    if (onListenerError) {
      try {
        onListenerError(error, name);
        return;
      } catch (handlerError) {
        // A failing handler must not stop the remaining listeners, nor hide the first error.
        reportToConsole(handlerError, name);
      }
    }
    reportToConsole(error, name);
  }
}
