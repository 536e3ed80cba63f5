import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { parseRunFilter } from '../../src-shared/compare/parseRunFilter.ts';
import type { RunCondition } from '../../src-shared/model/RunQuery.ts';

/** `--filter` text as typed conditions; a part that does not parse stops the command, saying why. */
export function parseFilterOption(text: string | undefined): RunCondition[] {
  if (!text) return [];
  const { conditions, problems } = parseRunFilter(text);
  if (problems.length) throw new StudioError('invalid_input', `--filter: ${problems.join('; ')}`);
  return conditions;
}
