import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle } from '../../../support/inMemoryServices.ts';
import { ids, shownRunTable } from './runTableFixture.ts';

afterEach(() => {
  vi.useRealTimers();
});

const plain = { toggle: false, extend: false };
const add = { toggle: true, extend: false };
const messages = (toasts: { toasts: { kind: string; message: string }[] }) =>
  toasts.toasts.map((toast) => `${toast.kind}: ${toast.message}`);

describe('the run table: edits and undo', () => {
  it('archives the selection, which leaves the table, and takes it back from the toast', async () => {
    const { table, runs } = await shownRunTable();
    table.selection.click(0, plain);
    table.selection.click(1, add);
    table.selection.click(2, add);
    table.detail.open(ids(238)[0]!);
    await table.edits.lifecycle('archive');
    expect(runs.rows.filter((run) => run.archived).map((run) => run.id)).toEqual(
      expect.arrayContaining(ids(239, 238, 237)),
    );
    expect(table.selection.size).toBe(0);
    expect(table.detail.runId).toBeNull(); // its run left the table
    expect(table.edits.undo.current?.message).toBe('Archived 3 runs');
    // The change event refreshes the table.
    await vi.waitFor(() => expect(table.pages.total).toBe(237));
    expect(table.pages.rowAt(0)?.id).toBe(ids(236)[0]);

    await table.edits.undo.run();
    expect(table.edits.undo.current).toBeNull();
    expect(runs.rows.filter((run) => run.archived)).toHaveLength(10);
    await vi.waitFor(() => expect(table.pages.total).toBe(240));
    expect(table.pages.rowAt(0)?.id).toBe(ids(239)[0]);
  });

  it('deletes the run under the cursor, undoes to restore, and purges from the Deleted tab', async () => {
    const { table, runs, toasts } = await shownRunTable();
    table.selection.move(4);
    await table.edits.lifecycle('delete');
    expect(runs.rows.find((run) => run.id === ids(235)[0])?.deleted).toBe(true);
    expect(table.edits.undo.current?.message).toBe('Deleted 1 run (kept in Deleted until you empty it)');

    table.filter.setScope('deleted');
    await settle();
    expect(table.pages.total).toBe(1);
    table.selection.click(0, plain);
    await table.edits.purge(table.selection.ids);
    expect(runs.rows.find((run) => run.id === ids(235)[0])).toBeUndefined();
    expect(table.selection.size).toBe(0);
    expect(messages(toasts)).toContain('success: Removed 1 run for good, freeing 2.0 MB');
    // Taking the deletion back now fails (the run is gone), and says why.
    await table.edits.undo.run();
    expect(messages(toasts)).toContain('error: There is no run run-0235.');
  });

  it('offers an undo for ten seconds, and only for the latest edit', async () => {
    const { table } = await shownRunTable();
    vi.useFakeTimers();
    await table.edits.lifecycle('archive', ids(10));
    const first = table.edits.undo.current!;
    await table.edits.lifecycle('archive', ids(11));
    expect(table.edits.undo.current!.id).not.toBe(first.id);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(table.edits.undo.current?.message).toBe('Archived 1 run');
    await vi.advanceTimersByTimeAsync(1);
    expect(table.edits.undo.current).toBeNull();
  });

  it('applies an edit to every run or none, reports the failure and offers nothing to undo', async () => {
    const { table, runs, toasts } = await shownRunTable();
    table.selection.click(0, plain);
    table.selection.click(1, add);
    runs.rows = runs.rows.filter((run) => run.id !== ids(238)[0]); // another window purged one of them
    await table.edits.lifecycle('archive');
    expect(messages(toasts)).toEqual(['error: There is no run run-0238.']);
    expect(runs.rows.find((run) => run.id === ids(239)[0])?.archived).toBe(false);
    expect(table.edits.undo.current).toBeNull();
    expect(table.selection.size).toBe(2);
    expect(table.edits.busy).toBe(false);
  });

  it('stars the targets, or unstars them when every one is starred; tags and notes them', async () => {
    const { table, runs, toasts } = await shownRunTable();
    const starred = () => runs.rows.filter((run) => run.starred).map((run) => run.id);
    table.selection.click(9, plain); // run 230, starred
    table.selection.click(10, add); // run 229
    await table.edits.toggleStar();
    expect(starred()).toEqual(expect.arrayContaining(ids(229, 230)));
    await vi.waitFor(() => expect(table.pages.rowAt(10)?.starred).toBe(true));
    await table.edits.toggleStar();
    expect(starred()).not.toContain(ids(229)[0]);
    expect(starred()).not.toContain(ids(230)[0]);

    expect(await table.edits.addTags(['baseline', 'edge'])).toBe(true);
    expect(messages(toasts)).toContain('success: Tagged 2 runs "baseline", "edge"');
    await vi.waitFor(() =>
      expect(table.edits.tags).toEqual([
        { tag: 'baseline', count: 2 },
        { tag: 'edge', count: 2 },
      ]),
    );
    expect(await table.edits.removeTags(['edge'], ids(229))).toBe(true);
    expect(messages(toasts)).toContain('success: Removed "edge" from 1 run');
    expect(await table.edits.setNote(ids(229)[0]!, 'wider first layer')).toBe(true);
    expect(runs.rows.find((run) => run.id === ids(229)[0])).toMatchObject({
      tags: ['baseline'],
      note: 'wider first layer',
    });
    // A note longer than the contract allows never reaches the service.
    expect(await table.edits.setNote(ids(229)[0]!, 'x'.repeat(20_001))).toBe(false);
    expect(messages(toasts).at(-1)).toMatch(/^error: Invalid input for runs\.setNote: note/);
  });

  it('exports the targets as CSV with the shown columns the runs have', async () => {
    const { table } = await shownRunTable();
    table.columns.set(['name', 'val_accuracy', 'no.such.key']);
    const file = await table.edits.exportRuns('csv', ids(3, 4));
    expect(file?.text.split('\n')).toEqual(['id,name,val_accuracy', 'run-0003,run 3,0.11', 'run-0004,run 4,0.48']);
    expect(await table.edits.exportRuns('csv', [])).toBeNull();
  });
});
