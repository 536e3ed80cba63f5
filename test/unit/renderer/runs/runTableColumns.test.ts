import { describe, expect, it } from 'vitest';
import {
  COLUMN_WIDTH_LIMITS,
  defaultRunColumns,
  RunTableColumns,
} from '../../../../src-renderer/pages/runs/state/RunTableColumns.svelte.ts';
import { memoryStorage } from '../../../support/memoryStorage.ts';

const COLUMNS_KEY = 'kws-studio.runColumns';
const WIDTHS_KEY = 'kws-studio.runColumnWidths';

describe('the run table: columns', () => {
  it('starts from the defaults, and keeps what the user picks, orders and sizes for the next launch', () => {
    const storage = memoryStorage();
    const columns = new RunTableColumns(storage);
    expect(columns.visible).toEqual(defaultRunColumns);
    expect(columns.widths).toEqual({});

    columns.toggle('status');
    columns.toggle('stats.parameters');
    columns.move('stats.parameters', 0);
    columns.setWidth('name', 300.4);
    columns.setWidth('sweep', 5);
    columns.setWidth('created', 10_000);
    const picked = ['stats.parameters', ...defaultRunColumns.filter((key) => key !== 'status')];
    expect(columns.visible).toEqual(picked);
    expect(columns.widths).toEqual({ name: 300, sweep: COLUMN_WIDTH_LIMITS.min, created: COLUMN_WIDTH_LIMITS.max });

    const next = new RunTableColumns(storage);
    expect(next.visible).toEqual(picked);
    expect(next.widths).toEqual({ name: 300, sweep: COLUMN_WIDTH_LIMITS.min, created: COLUMN_WIDTH_LIMITS.max });
    next.setWidth('name', null);
    expect(JSON.parse(storage.entries.get(WIDTHS_KEY)!)).toEqual({
      sweep: COLUMN_WIDTH_LIMITS.min,
      created: COLUMN_WIDTH_LIMITS.max,
    });
    next.reset();
    expect(new RunTableColumns(storage).visible).toEqual(defaultRunColumns);
    expect(new RunTableColumns(storage).widths).toEqual({});
  });

  it('moves a column to another place, clamped to the ends; an unknown or unmoved key changes nothing', () => {
    const storage = memoryStorage();
    const columns = new RunTableColumns(storage);
    columns.move('created', -5);
    expect(columns.visible[0]).toBe('created');
    columns.move('created', 99);
    expect(columns.visible.at(-1)).toBe('created');
    const before = storage.entries.get(COLUMNS_KEY);
    columns.move('no.such.key', 0);
    columns.move('created', defaultRunColumns.length - 1);
    expect(storage.entries.get(COLUMNS_KEY)).toBe(before);
  });

  it('falls back to the defaults when the stored choice is damaged, and lasts the session when storage refuses writes', () => {
    const damaged = memoryStorage({ [COLUMNS_KEY]: '["name", 3]', [WIDTHS_KEY]: '{not json' });
    const columns = new RunTableColumns(damaged);
    expect(columns.visible).toEqual(defaultRunColumns);
    expect(columns.widths).toEqual({});
    expect(new RunTableColumns(memoryStorage({ [WIDTHS_KEY]: '{"name": "wide"}' })).widths).toEqual({});

    const full = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota exceeded', 'QuotaExceededError');
      },
    };
    const session = new RunTableColumns(full);
    session.set(['name']);
    session.setWidth('name', 200);
    expect(session.visible).toEqual(['name']);
    expect(session.widths).toEqual({ name: 200 });
    expect(new RunTableColumns(undefined).visible).toEqual(defaultRunColumns);
  });
});
