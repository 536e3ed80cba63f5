import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { diskFullError, isDiskFull } from './diskFull.ts';

/**
 * A failure while writing files for the user (an export, model inputs) as an error naming the folder:
 * a full disk says what was kept, a folder the studio may not write says so, anything else names the
 * task. StudioErrors pass unchanged.
 */
export function fileWriteError(error: unknown, where: string, task: { kept: string; failed: string }): StudioError {
  if (error instanceof StudioError) return error;
  if (isDiskFull(error)) return diskFullError(where, task.kept);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new StudioError(
      'io_error',
      `Cannot write in ${where} (${code === 'EROFS' ? 'a read-only file system' : 'permission denied'}); choose a folder you can write to.`,
    );
  }
  return new StudioError(
    'io_error',
    `${task.failed} failed: ${error instanceof Error ? error.message : String(error)}`,
  );
}
