import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { diskFullError, isDiskFull } from '../diskFull.ts';

/** A file-system failure while exporting, as an error naming the folder; StudioErrors pass unchanged. */
export function exportIoError(error: unknown, where: string): StudioError {
  if (error instanceof StudioError) return error;
  if (isDiskFull(error)) return diskFullError(where, 'nothing was exported and no partial bundle was left');
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new StudioError(
      'io_error',
      `Cannot write in ${where} (${code === 'EROFS' ? 'a read-only file system' : 'permission denied'}); choose a folder you can write to.`,
    );
  }
  return new StudioError(
    'io_error',
    `The export to ${where} failed: ${error instanceof Error ? error.message : String(error)}`,
  );
}
