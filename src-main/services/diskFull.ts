import { StudioError } from '../../src-shared/contract/StudioError.ts';

/**
 * True for the errors a full disk (or an exhausted quota) raises: Node's ENOSPC/EDQUOT, and
 * SQLite's SQLITE_FULL when a commit cannot grow the database or its log.
 */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

/** "The disk holding PATH is full: what was kept. What to do." — one wording wherever the studio writes. */
export function diskFullMessage(where: string, kept: string, todo = 'Free some space, then try again.'): string {
  return `The disk holding ${where} is full: ${kept}. ${todo}`;
}

export function diskFullError(where: string, kept: string, todo?: string): StudioError {
  return new StudioError('io_error', diskFullMessage(where, kept, todo));
}
