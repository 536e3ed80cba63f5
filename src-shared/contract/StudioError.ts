/**
 * An error a user can act on. `code` is stable (scripts and the UI branch on it);
 * `message` says what happened and what to do. It survives every transport.
 */
export class StudioError extends Error {
  constructor(
    readonly code: StudioErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StudioError';
  }
}

export type StudioErrorCode =
  | 'invalid_input'
  | 'unknown_channel'
  | 'no_project'
  | 'not_a_project'
  | 'project_exists'
  /** A file or folder is in the way of what would be written; the call can say to overwrite it. */
  | 'already_exists'
  | 'project_too_new'
  | 'project_corrupt'
  | 'not_found'
  | 'io_error'
  | 'unsupported'
  | 'cancelled'
  /** The caller may not do this: a frame that is not the studio's page. */
  | 'forbidden'
  | 'internal';

export interface WireError {
  code: StudioErrorCode;
  message: string;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof StudioError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}

export function fromWireError(wire: WireError): StudioError {
  return new StudioError(wire.code, wire.message);
}
