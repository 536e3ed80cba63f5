import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunQuery } from '../../../../src-shared/model/RunQuery.ts';
import { settle } from '../../../support/inMemoryServices.ts';
import { historyRuns, ids, PROJECT, shownIds, shownRunTable } from './runTableFixture.ts';

afterEach(() => {
  vi.useRealTimers();
});

const lastQuery = (inputs: unknown[]) => inputs.at(-1) as RunQuery;

describe('the run table: query and pages', () => {
  it('loads the first page of the active runs, newest first, and later pages as they scroll into view', async () => {
    const { table, server } = await shownRunTable();
    expect(table.pages.loaded).toBe(true);
    expect(table.pages.total).toBe(240);
    expect(table.pages.scopeCounts).toEqual({ active: 240, archived: 10, deleted: 0 });
    expect(shownIds(table, 0, 3)).toEqual(ids(239, 238, 237));
    expect(table.pages.rowAt(99)?.id).toBe(ids(140)[0]);
    expect(table.pages.rowAt(100)).toBeUndefined();
    expect(server.inputs('runs.queryRuns')).toEqual([
      {
        conditions: [],
        sort: [{ key: 'created', direction: 'desc' }],
        scope: 'active',
        starredOnly: undefined,
        offset: 0,
        limit: 100,
      },
    ]);

    table.pages.ensureRange(150, 152);
    table.pages.ensureRange(150, 152); // already on its way: not asked twice
    await settle();
    expect(shownIds(table, 150, 2)).toEqual(ids(89, 88));
    expect(server.inputs('runs.queryRuns').map((input) => (input as RunQuery).offset)).toEqual([0, 100]);
    // Rows 240 on do not exist: page 2 (rows 200–239) is read, pages 3 and 4 are not asked for.
    table.pages.ensureRange(240, 500);
    expect(server.inputs('runs.queryRuns').map((input) => (input as RunQuery).offset)).toEqual([0, 100, 200]);
  });

  it('keeps the newer query when the older one answers last', async () => {
    const { table, server } = await shownRunTable();
    const replies = server.hold('runs.queryRuns');
    table.filter.setScope('archived');
    table.filter.setScope('active');
    table.filter.setStarredOnly(true);
    expect(replies.waiting.map((call) => (call.input as RunQuery).scope)).toEqual(['archived', 'active', 'active']);

    await replies.release(2); // starred active runs: the newest query
    expect(table.pages.total).toBe(24);
    expect(table.pages.rowAt(0)?.id).toBe(ids(230)[0]);
    await replies.release(0); // the archived runs, answered late
    await replies.release(0); // all active runs, answered late
    expect(table.pages.total).toBe(24);
    expect(table.pages.rowAt(0)?.id).toBe(ids(230)[0]);
    expect(table.filter.scope).toBe('active');
  });

  it('drops a page of the old query that arrives after the query changed', async () => {
    const { table, server } = await shownRunTable();
    const replies = server.hold('runs.queryRuns');
    table.pages.ensureRange(150, 151); // page 1 of "all active runs"
    table.filter.setFilterText('model.kind = conv');
    table.filter.applyFilter();
    await replies.release(1); // the filtered first page
    expect(table.pages.total).toBe(80);
    await replies.release(0); // the old page 1, late
    // Row 150 of the new query does not exist; the old run must not appear there or anywhere.
    expect(table.pages.rowAt(150)).toBeUndefined();
    expect(table.pages.total).toBe(80);
    expect(table.pages.rowOf(ids(88)[0]!)).toBeUndefined();
  });

  it('follows typing a moment after it stops, leaving out keys no run has and naming them', async () => {
    const { table, server } = await shownRunTable();
    vi.useFakeTimers();
    table.filter.setFilterText('val_acc > 0.9');
    expect(table.filter.problems).toEqual(['no run has "val_acc"; did you mean "val_accuracy"?']);
    table.filter.setFilterText('val_accuracy > 0.9');
    expect(table.filter.problems).toEqual([]);
    await vi.advanceTimersByTimeAsync(199);
    expect(server.inputs('runs.queryRuns')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    vi.useRealTimers();
    await settle();
    expect(lastQuery(server.inputs('runs.queryRuns')).conditions).toEqual([
      { key: 'val_accuracy', op: '>', value: 0.9 },
    ]);
    const expected = historyRuns().filter((run) => !run.archived && (run.values.val_accuracy as number) > 0.9).length;
    expect(table.pages.total).toBe(expected);
    expect(table.filter.filtering).toBe(true);

    // An unknown key is left out: the table keeps filtering by the rest instead of going empty.
    table.filter.setFilterText('val_accuracy > 0.9 and nonsense = 1');
    table.filter.applyFilter();
    expect(server.inputs('runs.queryRuns')).toHaveLength(2); // the same conditions: not asked again
    expect(table.filter.problems).toEqual(['no run has "nonsense"']);
  });

  it('sorts by header clicks: one key, the other direction, Shift adds and removes keys', async () => {
    const { table, server } = await shownRunTable();
    const sortSent = () => lastQuery(server.inputs('runs.queryRuns')).sort;
    table.filter.sortBy('val_accuracy', false);
    await settle();
    expect(sortSent()).toEqual([{ key: 'val_accuracy', direction: 'desc' }]);
    expect(table.pages.rowAt(0)?.values.val_accuracy).toBe(0.99);
    table.filter.sortBy('val_accuracy', false);
    await settle();
    expect(sortSent()).toEqual([{ key: 'val_accuracy', direction: 'asc' }]);
    table.filter.sortBy('model.kind', true);
    expect(table.filter.sort).toEqual([
      { key: 'val_accuracy', direction: 'asc' },
      { key: 'model.kind', direction: 'asc' },
    ]);
    table.filter.sortBy('model.kind', true);
    expect(table.filter.sort.at(-1)).toEqual({ key: 'model.kind', direction: 'desc' });
    table.filter.sortBy('model.kind', true);
    table.filter.sortBy('val_accuracy', true);
    expect(table.filter.sort).toEqual([{ key: 'created', direction: 'desc' }]);
  });

  it('groups by sweep: headers frame the grouped order only, fold, and map lines to runs', async () => {
    const { table, server } = await shownRunTable();
    const replies = server.hold('runs.queryRuns');
    table.filter.setGroupBySweep(true);
    // Until the grouped rows answer, no header frames the old order.
    expect(table.lines.groups).toBeNull();
    expect(lastQuery(replies.waiting.map((call) => call.input)).sort).toEqual([
      { key: 'sweep', direction: 'asc' },
      { key: 'created', direction: 'desc' },
    ]);
    await replies.releaseAll();
    const groups = table.lines.groups!;
    expect(groups.map((group) => [group.sweepName, group.count, group.start])).toEqual([
      ['pruning sweep', 28, 0],
      ['width sweep', 48, 28],
      [null, 164, 76],
    ]);
    expect(table.lines.count).toBe(240 + 3);
    expect(table.lines.at(0)).toMatchObject({ kind: 'group', group: { key: 'pruning sweep' } });
    expect(table.lines.at(1)).toEqual({ kind: 'row', index: 0 });
    expect(table.lines.at(29)).toMatchObject({ kind: 'group', group: { key: 'width sweep' } });

    table.lines.toggle('pruning sweep');
    expect(table.lines.count).toBe(240 + 3 - 28);
    expect(table.lines.at(1)).toMatchObject({ kind: 'group', group: { key: 'width sweep' } });
    expect(table.lines.positionOf(5)).toBe(0); // inside the folded group: its header
    expect(table.lines.positionOf(28)).toBe(2);
    expect(table.lines.isHidden(27)).toBe(true);
    expect(table.lines.isHidden(28)).toBe(false);
  });

  it('refreshes the loaded pages in place when runs change anywhere, only while the page is shown', async () => {
    const { table, runs, server } = await shownRunTable();
    table.pages.ensureRange(100, 101);
    await settle();
    table.selection.click(3, { toggle: false, extend: false });
    const before = server.inputs('runs.queryRuns').length;

    await runs.setNote({ runIds: ids(236), note: 'checked' }); // another window edits a run
    await vi.waitFor(() => expect(table.pages.rowAt(3)?.note).toBe('checked'));
    // Both loaded pages were read again, and nothing else moved.
    expect(
      server
        .inputs('runs.queryRuns')
        .slice(before)
        .map((input) => (input as RunQuery).offset),
    ).toEqual([0, 100]);
    expect(table.selection.ids).toEqual(ids(236));
    expect(table.selection.cursor).toBe(3);

    table.hide();
    const hidden = server.inputs('runs.queryRuns').length;
    await runs.setNote({ runIds: ids(236), note: 'again' });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(server.inputs('runs.queryRuns')).toHaveLength(hidden);
    // Back on the page: fresh rows, the same selection.
    await table.show(PROJECT);
    expect(table.pages.rowAt(3)?.note).toBe('again');
    expect(table.selection.ids).toEqual(ids(236));
  });
});
