import { describe, expect, it } from 'vitest';
import type { RunQuery } from '../../../../src-shared/model/RunQuery.ts';
import { settle } from '../../../support/inMemoryServices.ts';
import { ids, shownRunTable } from './runTableFixture.ts';

const plain = { toggle: false, extend: false };
/** Runs by index in the table (newest first: table index i shows run 239 − i). */
const atRows = (...rows: number[]) => ids(...rows.map((row) => 239 - row));

describe('the run table: selection and cursor', () => {
  it('selects like a file manager: click, Ctrl+click, Shift+click from the anchor', async () => {
    const { table } = await shownRunTable();
    table.selection.click(2, plain);
    table.selection.click(5, { toggle: true, extend: false });
    expect(table.selection.ids).toEqual(atRows(2, 5));
    table.selection.click(2, { toggle: true, extend: false });
    expect(table.selection.ids).toEqual(atRows(5));
    table.selection.click(8, { toggle: false, extend: true }); // from the anchor (row 2, the last toggled)
    expect(table.selection.ids.sort()).toEqual(atRows(2, 3, 4, 5, 6, 7, 8).sort());
    expect(table.selection.cursor).toBe(8);
    expect(table.selection.rows.map((row) => row.id).sort()).toEqual(atRows(2, 3, 4, 5, 6, 7, 8).sort());
    table.selection.click(4, plain);
    expect(table.selection.ids).toEqual(atRows(4));
  });

  it('drops a click on a line whose run changed under the pointer', async () => {
    const { table } = await shownRunTable();
    table.selection.click(2, plain, atRows(7)[0]);
    expect(table.selection.size).toBe(0);
    expect(table.selection.cursor).toBe(0);
    table.selection.toggle(2, atRows(2)[0]);
    expect(table.selection.ids).toEqual(atRows(2));
  });

  it('extends a Shift range over rows never loaded by reading them, in the table order', async () => {
    const { table, server } = await shownRunTable();
    table.selection.click(5, plain);
    // Row 230 is on page 2, scrolled to directly: rows 100–199 (page 1) were never loaded.
    table.pages.ensureRange(230, 231);
    await settle();
    table.selection.click(230, { toggle: false, extend: true });
    await settle();
    expect(table.selection.size).toBe(226);
    expect(new Set(table.selection.ids)).toEqual(new Set(atRows(...Array.from({ length: 226 }, (_, i) => 5 + i))));
    const read = server.inputs('runs.queryRuns').at(-1) as RunQuery;
    expect([read.offset, read.limit]).toEqual([5, 226]);
    // What the action bar can say is about the loaded rows only; the selection holds every id.
    expect(table.selection.rows.length).toBeLessThan(226);
  });

  it('drops a Shift range read that a new query overtook', async () => {
    const { table, server } = await shownRunTable();
    table.pages.ensureRange(230, 231);
    await settle();
    table.selection.click(5, plain);
    const replies = server.hold('runs.queryRuns');
    table.selection.click(230, { toggle: false, extend: true });
    table.filter.setScope('archived'); // clears the selection and asks for other runs
    await replies.release(1);
    await replies.release(0); // the range, read for the old query
    expect(table.selection.size).toBe(0);
  });

  it('selects every run the filter matches, loaded or not; another filter or scope clears it, grouping keeps it', async () => {
    const { table, server } = await shownRunTable();
    table.filter.setStarredOnly(true);
    await settle();
    await table.selection.selectAll();
    expect(server.inputs('runs.runIds').at(-1)).toEqual({ conditions: [], scope: 'active', starredOnly: true });
    expect(table.selection.size).toBe(24);
    table.filter.setGroupBySweep(true);
    expect(table.selection.size).toBe(24);
    table.filter.setScope('archived');
    expect(table.selection.size).toBe(0);
  });

  it('moves the cursor with the keys, skipping folded groups; Shift extends; an open panel follows', async () => {
    const { table, server } = await shownRunTable();
    table.selection.move(1);
    table.selection.move(1);
    expect(table.selection.cursor).toBe(2);
    table.selection.move(2, true);
    expect(table.selection.ids.sort()).toEqual(atRows(2, 3, 4).sort());
    table.selection.move(-100);
    expect(table.selection.cursor).toBe(0);
    table.selection.move(1000);
    expect(table.selection.cursor).toBe(239);
    await settle();
    expect(table.pages.rowAt(239)?.id).toBe(ids(0)[0]); // its page was read to show it

    table.filter.setGroupBySweep(true);
    await settle();
    expect(table.selection.cursor).toBe(0); // a new order starts at the top
    table.lines.toggle('width sweep'); // rows 28–75
    table.selection.move(27);
    expect(table.selection.cursor).toBe(27);
    table.selection.move(1);
    expect(table.selection.cursor).toBe(76);

    table.detail.open(table.selection.current!.id);
    table.selection.move(1);
    expect(table.detail.runId).toBe(table.pages.rowAt(77)?.id);
    await settle();
    expect(table.detail.run?.id).toBe(table.detail.runId);
    expect(server.inputs('runs.getRun')).toHaveLength(2);
  });

  it('acts on the selection, or on the run under the cursor when nothing is selected', async () => {
    const { table } = await shownRunTable();
    table.selection.move(3);
    expect(table.selection.targetIds()).toEqual(atRows(3));
    table.selection.click(1, plain);
    table.selection.click(2, { toggle: true, extend: false });
    expect(table.selection.targetIds()).toEqual(atRows(1, 2));
  });
});
