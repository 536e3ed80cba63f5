import type { StudioErrorCode } from '../../src-shared/contract/StudioError.ts';

/** Exit codes scripts can rely on; a training command a signal stopped exits with 128 + the signal's number (stopOnSignals). */
export const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3, incompatible: 4, cancelled: 130 } as const;

export const exitCodeFor: Partial<Record<StudioErrorCode, number>> = {
  invalid_input: EXIT.usage,
  unknown_channel: EXIT.usage,
  not_found: EXIT.notFound,
  not_a_project: EXIT.notFound,
  no_project: EXIT.notFound,
  project_exists: EXIT.usage,
  already_exists: EXIT.usage,
  project_too_new: EXIT.incompatible,
  project_corrupt: EXIT.incompatible,
  cancelled: EXIT.cancelled,
};
