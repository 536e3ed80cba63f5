import type { ExportRunsInput, RunService } from '../../src-shared/contract/RunService.ts';
import { Emitter } from '../../src-shared/contract/events.ts';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import type { RunDetail } from '../../src-shared/model/Run.ts';
import type { RunCondition, RunQuery, RunScope, RunValue } from '../../src-shared/model/RunQuery.ts';
import type {
  PurgeResult,
  RunChangeResult,
  RunColumn,
  RunColumnKind,
  RunGroup,
  RunIdsInput,
  RunNoteInput,
  RunPage,
  RunRow,
  RunSelection,
  RunsChangedEvent,
  RunStarInput,
  RunTagCount,
  RunTagsInput,
} from '../../src-shared/model/RunTable.ts';

/** The bookkeeping keys every run has, read from the row's own fields. */
const infoKeys = ['name', 'status', 'sweep', 'created', 'tags', 'starred'];
const metricKeys = /(accuracy|loss|latency_ms)$/;

/** A run of the fake table: `run-0007` named "run 7", made a minute after run 6, with these values. */
export function fakeRun(index: number, values: Record<string, RunValue> = {}, fields: Partial<RunRow> = {}): RunRow {
  return {
    id: `run-${String(index).padStart(4, '0')}`,
    name: `run ${index}`,
    status: 'done',
    sweepId: null,
    sweepName: null,
    createdAt: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
    tags: [],
    note: '',
    starred: false,
    archived: false,
    deleted: false,
    values,
    ...fields,
  };
}

/**
 * The run table's service in memory, for the renderer's state: filters (every operator), sorts on
 * any keys (missing values last), scopes, starred only, pages, sweep groups and counts, and the
 * annotation and lifecycle edits with their all-or-nothing rule and change events. Small and
 * plain: what the Runs page asks of the real service, answered the way the real service answers.
 */
export class InMemoryRunService implements Partial<RunService> {
  private readonly changed = new Emitter<RunsChangedEvent>();
  readonly onDidChangeRuns = this.changed.event;

  constructor(public rows: RunRow[]) {}

  async queryRuns(query: RunQuery): Promise<RunPage> {
    const matching = this.select(query);
    const columns = this.columnsOf();
    const known = new Set(columns.map((column) => column.key));
    const asked = [...query.conditions.map((condition) => condition.key), ...query.sort.map((item) => item.key)];
    return {
      total: matching.length,
      rows: matching.slice(query.offset, query.offset + query.limit).map((row) => this.shown(row)),
      columns,
      groups: groupsOf(matching),
      scopeCounts: {
        active: this.rows.filter((row) => inScope(row, 'active')).length,
        archived: this.rows.filter((row) => inScope(row, 'archived')).length,
        deleted: this.rows.filter((row) => inScope(row, 'deleted')).length,
      },
      unknownKeys: [...new Set(asked.filter((key) => !known.has(key)))],
    };
  }

  async columns(): Promise<RunColumn[]> {
    return this.columnsOf();
  }

  async runIds(selection: RunSelection): Promise<string[]> {
    return this.select({ ...selection, sort: [{ key: 'created', direction: 'desc' }], offset: 0, limit: Infinity }).map(
      (row) => row.id,
    );
  }

  async tags(): Promise<RunTagCount[]> {
    const counts = new Map<string, number>();
    for (const row of this.rows)
      if (!row.deleted) for (const tag of row.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    return [...counts]
      .map(([tag, count]) => ({ tag, count }))
      .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
  }

  async getRun({ runId }: { runId: string }): Promise<RunDetail> {
    const row = this.find([runId])[0]!;
    // The parts of a detail the Runs page reads; the spec and summary are the Train page's business.
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      createdAt: row.createdAt,
      latest: {},
      metrics: {},
      summary: null,
    } as unknown as RunDetail;
  }

  async setTags(input: RunTagsInput): Promise<RunChangeResult> {
    return this.change(input.runIds, (row) => same(row.tags, input.tags) || void (row.tags = [...input.tags]));
  }

  async addTags(input: RunTagsInput): Promise<RunChangeResult> {
    return this.change(input.runIds, (row) => {
      const added = input.tags.filter((tag) => !row.tags.includes(tag));
      row.tags.push(...added);
      return added.length === 0;
    });
  }

  async removeTags(input: RunTagsInput): Promise<RunChangeResult> {
    return this.change(input.runIds, (row) => {
      const kept = row.tags.filter((tag) => !input.tags.includes(tag));
      const unchanged = kept.length === row.tags.length;
      row.tags = kept;
      return unchanged;
    });
  }

  async setNote(input: RunNoteInput): Promise<RunChangeResult> {
    return this.change(input.runIds, (row) => row.note === input.note || void (row.note = input.note));
  }

  async setStarred(input: RunStarInput): Promise<RunChangeResult> {
    return this.change(input.runIds, (row) => row.starred === input.starred || void (row.starred = input.starred));
  }

  async archiveRuns(input: RunIdsInput): Promise<RunChangeResult> {
    return this.change(input.runIds, (row) => row.archived || void (row.archived = true));
  }

  async unarchiveRuns(input: RunIdsInput): Promise<RunChangeResult> {
    return this.change(input.runIds, (row) => !row.archived || void (row.archived = false));
  }

  async deleteRuns(input: RunIdsInput): Promise<RunChangeResult> {
    return this.change(input.runIds, (row) => row.deleted || void (row.deleted = true));
  }

  async restoreRuns(input: RunIdsInput): Promise<RunChangeResult> {
    return this.change(input.runIds, (row) => !row.deleted || void (row.deleted = false));
  }

  async purgeDeletedRuns(input: { runIds?: string[] | undefined }): Promise<PurgeResult> {
    const purged = input.runIds ? this.find(input.runIds) : this.rows.filter((row) => row.deleted);
    const alive = purged.find((row) => !row.deleted);
    if (alive)
      throw new StudioError('invalid_input', `${alive.id} is not deleted; only deleted runs can be removed for good.`);
    this.rows = this.rows.filter((row) => !purged.includes(row));
    this.changed.fire({ runIds: purged.map((row) => row.id) });
    return { purged: purged.length, bytesFreed: purged.length * 2 * 1024 * 1024 };
  }

  async exportRuns(
    input: ExportRunsInput,
  ): Promise<{ format: 'csv' | 'json'; fileName: string; mimeType: string; text: string }> {
    const rows = this.find(input.runIds).map((row) => this.shown(row));
    if (input.format === 'json')
      return { format: 'json', fileName: 'runs.json', mimeType: 'application/json', text: JSON.stringify(rows) };
    const columns = ['id', ...(input.columns ?? [])];
    const lines = rows.map((row) =>
      columns.map((key) => (key === 'id' ? row.id : String(row.values[key] ?? ''))).join(','),
    );
    return {
      format: 'csv',
      fileName: 'runs.csv',
      mimeType: 'text/csv',
      text: [columns.join(','), ...lines].join('\n'),
    };
  }

  /** The rows a selection matches, sorted and paged. */
  private select(query: RunSelection & Pick<RunQuery, 'sort' | 'offset' | 'limit'>): RunRow[] {
    const matching = this.rows.filter(
      (row) =>
        inScope(row, query.scope) &&
        (!query.starredOnly || row.starred) &&
        (query.sweepId === undefined || row.sweepId === query.sweepId) &&
        query.conditions.every((condition) => holds(valueOf(row, condition.key), condition)),
    );
    const sort = [...query.sort, { key: 'id', direction: 'asc' as const }];
    return matching.sort((a, b) => {
      for (const { key, direction } of sort) {
        const order = compare(valueOf(a, key), valueOf(b, key));
        if (order !== 0) return direction === 'asc' || order === Infinity || order === -Infinity ? order : -order;
      }
      return 0;
    });
  }

  /** A row as the service answers it: every bookkeeping key among its values. */
  private shown(row: RunRow): RunRow {
    return {
      ...row,
      tags: [...row.tags],
      values: { ...row.values, ...Object.fromEntries(infoKeys.map((key) => [key, valueOf(row, key)])) },
    };
  }

  private columnsOf(): RunColumn[] {
    const byKey = new Map<string, RunValue[]>();
    for (const row of this.rows) {
      for (const [key, value] of Object.entries(this.shown(row).values)) {
        if (value !== null) byKey.set(key, [...(byKey.get(key) ?? []), value]);
      }
    }
    return [...byKey].map(([key, values]) => {
      const types = new Set(values.map((value) => typeof value));
      const type =
        types.size === 1 && types.has('number') ? 'number' : types.size === 1 && types.has('boolean') ? 'bool' : 'text';
      const distinct = [...new Set(values.map(String))].sort();
      const kind: RunColumnKind = infoKeys.includes(key)
        ? 'info'
        : key.startsWith('stats.')
          ? 'stat'
          : metricKeys.test(key)
            ? 'metric'
            : 'param';
      return {
        key,
        kind,
        type,
        count: values.length,
        values: type === 'number' || distinct.length > 20 ? undefined : distinct,
        varies: distinct.length > 1,
      };
    });
  }

  private find(runIds: string[]): RunRow[] {
    return runIds.map((id) => {
      const row = this.rows.find((item) => item.id === id);
      if (!row) throw new StudioError('not_found', `There is no run ${id}.`);
      return row;
    });
  }

  /** Applies an edit to every run or, when one is missing, to none; `edit` says whether the run already was so. */
  private change(runIds: string[], edit: (row: RunRow) => boolean | void): RunChangeResult {
    const rows = this.find(runIds);
    const changed = rows.filter((row) => !edit(row)).length;
    if (changed > 0) this.changed.fire({ runIds });
    return { changed };
  }
}

function inScope(row: RunRow, scope: RunScope): boolean {
  if (scope === 'deleted') return row.deleted;
  return !row.deleted && row.archived === (scope === 'archived');
}

function valueOf(row: RunRow, key: string): RunValue {
  switch (key) {
    case 'id':
      return row.id;
    case 'name':
      return row.name;
    case 'status':
      return row.status;
    case 'sweep':
      return row.sweepName;
    case 'created':
      return row.createdAt;
    case 'tags':
      return row.tags.join(', ');
    case 'starred':
      return row.starred;
    default:
      return row.values[key] ?? null;
  }
}

function holds(value: RunValue, { op, value: wanted }: RunCondition): boolean {
  if (value === null) return op === '!=';
  if (op === '~') return String(value).toLowerCase().includes(String(wanted).toLowerCase());
  const order = compare(value, wanted);
  return { '=': order === 0, '!=': order !== 0, '>': order > 0, '>=': order >= 0, '<': order < 0, '<=': order <= 0 }[
    op
  ];
}

/** Numbers as numbers, the rest as text; a missing value sorts last whatever the direction (±Infinity). */
function compare(a: RunValue | undefined, b: RunValue | undefined): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : Infinity;
  if (b === null || b === undefined) return -Infinity;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function groupsOf(rows: RunRow[]): RunGroup[] {
  const groups: RunGroup[] = [];
  for (const row of rows) {
    const group = groups.find((item) => item.sweepId === row.sweepId);
    if (group) group.count++;
    else groups.push({ sweepId: row.sweepId, sweepName: row.sweepName, count: 1 });
  }
  return groups;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((item, index) => item === b[index]);
