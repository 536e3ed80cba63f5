/** Where a transport reports a failure it survived: one line each, for whoever runs the studio. */
export type HostLog = (line: string) => void;

export const consoleHostLog: HostLog = (line) => console.error(line);

/** A printable account of any thrown value, even one whose `toString` throws or that has no prototype. */
export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
    return `a non-Error value was thrown: ${String(error)}`;
  } catch {
    return 'a value that cannot be printed was thrown';
  }
}
