import type { ClipFilter, ClipSort, ClipSortKey } from '../../../src-shared/model/ClipQuery.ts';
import { defaultClipSort } from '../../../src-shared/model/ClipQuery.ts';

export interface SqlFragment {
  /** `FROM … WHERE …` over `clips c` joined to `labels l`. */
  from: string;
  params: Record<string, string | number>;
}

/** What each sort orders by; `nullable` columns sort their empty values last. */
const sortColumns: Record<ClipSortKey, { column: string; collate?: 'NOCASE'; nullable?: true }> = {
  // The natural key: `_2` before `_10`, case folded; never null.
  name: { column: 'c.name_key' },
  label: { column: 'l.name', collate: 'NOCASE', nullable: true },
  speaker: { column: 'c.speaker', collate: 'NOCASE', nullable: true },
  split: { column: 'c.split', nullable: true },
  duration: { column: 'c.duration_ms', nullable: true },
  sampleRate: { column: 'c.sample_rate', nullable: true },
  added: { column: 'c.added_at', nullable: true },
};

/**
 * Turns a typed filter into SQL with bound parameters only (no value is ever spliced into the
 * text), so any filter the UI can express is one indexed query.
 */
export function clipWhere(filter: ClipFilter = {}): SqlFragment {
  const where: string[] = [filter.trashed ? 'c.deleted_at IS NOT NULL' : 'c.deleted_at IS NULL', 'c.kind = @kind'];
  const params: Record<string, string | number> = { kind: filter.kind ?? 'sample' };
  const list = (prefix: string, values: readonly string[]) =>
    values
      .map((value, index) => {
        params[`${prefix}${index}`] = value;
        return `@${prefix}${index}`;
      })
      .join(', ');

  if (filter.labels?.length) {
    const named = filter.labels.filter((label) => label !== '');
    const clauses = named.length ? [`l.name IN (${list('label', named)})`] : [];
    if (filter.labels.includes('')) clauses.push('c.label_id IS NULL');
    where.push(`(${clauses.join(' OR ')})`);
  }
  if (filter.splits?.length) {
    const named = filter.splits.filter((split) => split !== 'none');
    const clauses = named.length ? [`c.split IN (${list('split', named)})`] : [];
    if (filter.splits.includes('none')) clauses.push('c.split IS NULL');
    where.push(`(${clauses.join(' OR ')})`);
  }
  if (filter.speakers?.length) where.push(`c.speaker IN (${list('speaker', filter.speakers)})`);
  if (filter.minDurationMs !== undefined) {
    where.push('c.duration_ms >= @minDuration');
    params.minDuration = filter.minDurationMs;
  }
  if (filter.maxDurationMs !== undefined) {
    where.push('c.duration_ms <= @maxDuration');
    params.maxDuration = filter.maxDurationMs;
  }
  if (filter.search?.trim()) {
    where.push("(c.original_name LIKE @search ESCAPE '\\' OR c.speaker LIKE @search ESCAPE '\\')");
    params.search = `%${filter.search.trim().replace(/[\\%_]/g, '\\$&')}%`;
  }
  if (filter.flags?.length) where.push(flagClause(list('flag', filter.flags)));
  return { from: `FROM clips c LEFT JOIN labels l ON l.id = c.label_id WHERE ${where.join(' AND ')}`, params };
}

/** clip_flags is keyed (flag, clip_id): the subquery is a range scan per flag. */
function flagClause(placeholders: string): string {
  return `c.id IN (SELECT clip_id FROM clip_flags WHERE flag IN (${placeholders}))`;
}

/** A stable order: the chosen column, then the file name (naturally), then the id, so pages never overlap. */
export function clipOrder(sort: ClipSort = defaultClipSort): string {
  const direction = sort.direction === 'desc' ? 'DESC' : 'ASC';
  const { column, collate, nullable } = sortColumns[sort.key];
  const nulls = nullable ? `(${column} IS NULL), ` : '';
  const tiebreak = sort.key === 'name' ? '' : `, c.name_key ${direction}`;
  return `ORDER BY ${nulls}${column}${collate ? ` COLLATE ${collate}` : ''} ${direction}${tiebreak}, c.id ${direction}`;
}
