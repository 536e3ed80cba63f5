import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import {
  applyClipField,
  cached,
  labelById,
  labelByName,
  type ClipField,
  type LabelLook,
  type ProjectDb,
} from './editHistory.ts';
import type { HistoryEntry, HistorySummary } from '../../../src-shared/model/Curation.ts';
export type { HistoryEntry, HistorySummary } from '../../../src-shared/model/Curation.ts';

/**
 * Undo and redo over the persistent change sets in `history_batches`, so they survive a restart.
 * Undo reverts the newest batch that is neither undone nor abandoned; redo re-applies the undone
 * batch undone last (the oldest one still on the redo stack). Reverting is conservative: a clip is
 * only changed back when it still holds the value the batch gave it, and a label only when it is
 * still as the batch left it; anything else is explained as an error and nothing is written.
 * Such clashes can only come from changes made outside the history (an import that brings back a
 * deleted label's name); the batch then stays undone-able in principle and blocks undo at that point.
 */

interface BatchRow {
  seq: number;
  batch_id: string;
  description: string;
}

interface LabelEventRow {
  label_id: number;
  action: 'create' | 'rename' | 'delete' | 'restyle';
  old_name: string | null;
  new_name: string | null;
  old_hotkey: string | null;
  new_hotkey: string | null;
  old_color: string | null;
  new_color: string | null;
  /** Null in events written before labels could be filler words. */
  old_unknown: number | null;
  new_unknown: number | null;
  created_at: string;
}

type Direction = 'undo' | 'redo';

const NEXT_UNDO = `SELECT seq, batch_id, description FROM history_batches
  WHERE undoable = 1 AND undone_at IS NULL AND abandoned_at IS NULL ORDER BY seq DESC LIMIT 1`;
const NEXT_REDO = `SELECT seq, batch_id, description FROM history_batches
  WHERE undone_at IS NOT NULL AND abandoned_at IS NULL ORDER BY seq ASC LIMIT 1`;

/** Reverts the newest action; returns its description, or null when there is nothing to undo. */
export function undo(project: ProjectDb): string | null {
  const { db } = project;
  return db.transaction((): string | null => {
    const batch = db.prepare(NEXT_UNDO).get() as BatchRow | undefined;
    if (!batch) return null;
    revert(db, batch, 'undo');
    db.prepare('UPDATE history_batches SET undone_at = ? WHERE seq = ?').run(new Date().toISOString(), batch.seq);
    return batch.description;
  })();
}

/** Re-applies the action undone last; returns its description, or null when there is nothing to redo. */
export function redo(project: ProjectDb): string | null {
  const { db } = project;
  return db.transaction((): string | null => {
    const batch = db.prepare(NEXT_REDO).get() as BatchRow | undefined;
    if (!batch) return null;
    revert(db, batch, 'redo');
    db.prepare('UPDATE history_batches SET undone_at = NULL WHERE seq = ?').run(batch.seq);
    return batch.description;
  })();
}

/** The newest `limit` batches, newest first, with what undo and redo would do next. */
export function historySummary(project: ProjectDb, limit = 50): HistorySummary {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) {
    throw new StudioError('invalid_input', `History limit ${limit} must be a whole number from 1 to 10000.`);
  }
  const { db } = project;
  const rows = db
    .prepare(
      `SELECT batch_id, kind, description, actor, at, undoable, undone_at, abandoned_at
       FROM history_batches ORDER BY seq DESC LIMIT ?`,
    )
    .all(limit) as {
    batch_id: string;
    kind: HistoryEntry['kind'];
    description: string;
    actor: string;
    at: string;
    undoable: number;
    undone_at: string | null;
    abandoned_at: string | null;
  }[];
  const nextUndo = db.prepare(NEXT_UNDO).get() as BatchRow | undefined;
  const nextRedo = db.prepare(NEXT_REDO).get() as BatchRow | undefined;
  return {
    entries: rows.map((row) => ({
      batchId: row.batch_id,
      kind: row.kind,
      description: row.description,
      actor: row.actor,
      at: row.at,
      undoable: row.undoable === 1,
      state: row.abandoned_at ? 'abandoned' : row.undone_at ? 'undone' : 'done',
      undoneAt: row.undone_at,
    })),
    nextUndo: nextUndo?.description ?? null,
    nextRedo: nextRedo?.description ?? null,
  };
}

function revert(db: ProjectDatabase, batch: BatchRow, direction: Direction): void {
  // Within this transaction a label may be removed before the clips pointing at it move away (or
  // restored after); the foreign keys are still checked at commit.
  db.pragma('defer_foreign_keys = ON');
  const order = direction === 'undo' ? 'DESC' : 'ASC';
  const verb = direction === 'undo' ? 'undo' : 'redo';
  const conflict = (reason: string) =>
    new StudioError('invalid_input', `Cannot ${verb} "${batch.description}": ${reason}. Nothing was changed.`);

  const removedLabels = new Map<number, string>();
  const events = db
    .prepare(`SELECT * FROM label_events WHERE batch_id = ? ORDER BY id ${order}`)
    .all(batch.batch_id) as LabelEventRow[];
  for (const event of events) {
    const before =
      event.action === 'create' ? null : look(event.old_name!, event.old_hotkey, event.old_color, event.old_unknown);
    const after =
      event.action === 'delete' ? null : look(event.new_name!, event.new_hotkey, event.new_color, event.new_unknown);
    const from = direction === 'undo' ? after : before;
    const to = direction === 'undo' ? before : after;
    const current = labelById(db, event.label_id);
    if (from === null ? current !== undefined : current?.name !== from.name) {
      const now = current ? `'${current.name}'` : 'deleted';
      const expected = from ? `'${from.name}'` : 'absent';
      throw conflict(`label ${expected} has changed since (it is now ${now})`);
    }
    if (to === null) {
      db.prepare('DELETE FROM labels WHERE id = ?').run(event.label_id);
      removedLabels.set(event.label_id, from!.name);
      continue;
    }
    const namesake = labelByName(db, to.name);
    if (namesake && namesake.id !== event.label_id) {
      throw conflict(
        `a label named '${namesake.name}' was added since, outside the undo history (by an import), and two labels cannot share a name`,
      );
    }
    if (to.hotkey !== null) {
      const holder = db
        .prepare('SELECT name FROM labels WHERE hotkey = ? AND id <> ?')
        .pluck()
        .get(to.hotkey, event.label_id) as string | undefined;
      if (holder) throw conflict(`the hotkey "${to.hotkey}" now belongs to '${holder}'`);
    }
    if (current) {
      db.prepare('UPDATE labels SET name = ?, hotkey = ?, color = ?, unknown = ? WHERE id = ?').run(
        to.name,
        to.hotkey,
        to.color,
        Number(to.unknown),
        event.label_id,
      );
    } else {
      db.prepare('INSERT INTO labels (id, name, created_at, hotkey, color, unknown) VALUES (?, ?, ?, ?, ?, ?)').run(
        event.label_id,
        to.name,
        event.created_at,
        to.hotkey,
        to.color,
        Number(to.unknown),
      );
    }
  }

  const targetLabels = new Set<number>();
  const relabels = db
    .prepare(`SELECT clip_id, old_label_id, new_label_id FROM label_history WHERE batch_id = ? ORDER BY id ${order}`)
    .all(batch.batch_id) as { clip_id: number; old_label_id: number | null; new_label_id: number | null }[];
  const setLabel = db.prepare('UPDATE clips SET label_id = ? WHERE id = ? AND label_id IS ?');
  for (const row of relabels) {
    const from = direction === 'undo' ? row.new_label_id : row.old_label_id;
    const to = direction === 'undo' ? row.old_label_id : row.new_label_id;
    if (setLabel.run(to, row.clip_id, from).changes > 0 && to !== null) targetLabels.add(to);
  }

  const fieldChanges = db
    .prepare(`SELECT clip_id, field, old_value, new_value FROM clip_history WHERE batch_id = ? ORDER BY id ${order}`)
    .all(batch.batch_id) as { clip_id: number; field: ClipField; old_value: string | null; new_value: string | null }[];
  for (const row of fieldChanges) {
    const [from, to] = direction === 'undo' ? [row.new_value, row.old_value] : [row.old_value, row.new_value];
    // The column name comes from the CHECK-constrained field, never from input.
    const current = cached(db, `SELECT ${row.field} AS value FROM clips WHERE id = ?`).get(row.clip_id) as
      { value: string | null } | undefined;
    if (current?.value === from) applyClipField(db, row.clip_id, row.field, to);
  }

  for (const [labelId, name] of removedLabels) {
    const users = db.prepare('SELECT COUNT(*) FROM clips WHERE label_id = ?').pluck().get(labelId) as number;
    if (users > 0)
      throw conflict(
        `${users === 1 ? '1 clip' : `${users} clips`} added since, outside the undo history (by an import), use label '${name}'`,
      );
  }
  for (const labelId of targetLabels) {
    if (!labelById(db, labelId)) throw conflict(`a label it would restore clips to (id ${labelId}) no longer exists`);
  }
}

function look(name: string, hotkey: string | null, color: string | null, unknown: number | null): LabelLook {
  return { name, hotkey, color, unknown: unknown === 1 };
}
