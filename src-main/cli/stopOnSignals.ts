import os from 'node:os';

/** The signals that ask a command to stop: Ctrl+C, a service manager or `kill`, a closed terminal. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface SignalStop {
  /** The signal that asked to stop, once one has. */
  readonly signal: StopSignal | null;
  /** What a shell expects after the signal: 128 + its number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). */
  readonly exitCode: number | null;
  dispose(): void;
}

export function signalExitCode(signal: StopSignal): number {
  return 128 + os.constants.signals[signal];
}

/**
 * While a command trains: the first SIGINT, SIGTERM or SIGHUP calls `stop`, which ends the work
 * cleanly (the run recorded as interrupted, saying which signal; its worker gone; its ownership
 * released); a second one ends the process at once, with the signal's exit code.
 */
export function stopOnSignals(stop: (signal: StopSignal) => void): SignalStop {
  let received: StopSignal | null = null;
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      if (received) process.exit(signalExitCode(signal));
      received = signal;
      stop(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return {
    get signal() {
      return received;
    },
    get exitCode() {
      return received ? signalExitCode(received) : null;
    },
    dispose() {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}
