import type { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { fileWriteError } from '../fileWriteError.ts';

/** A file-system failure while exporting, as an error naming the folder; StudioErrors pass unchanged. */
export function exportIoError(error: unknown, where: string): StudioError {
  return fileWriteError(error, where, {
    kept: 'nothing was exported and no partial bundle was left',
    failed: `The export to ${where}`,
  });
}
