import type { RunSort } from '../../src-shared/model/RunQuery.ts';
import { splitList } from './splitList.ts';

/** `--sort "-val_accuracy,stats.gzip_kb"`: keys in order, a leading "-" for descending. */
export function parseSortOption(text: string | undefined): RunSort[] {
  return splitList(text ?? '').map((key) =>
    key.startsWith('-') ? { key: key.slice(1), direction: 'desc' } : { key, direction: 'asc' },
  );
}
