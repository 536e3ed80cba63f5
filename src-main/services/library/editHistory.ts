import { randomUUID } from 'node:crypto';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ClipKind, SplitName } from '../../../src-shared/model/Clip.ts';
import type Database from 'better-sqlite3';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { computeSplit, type SplitPercentages } from './splitHash.ts';
import { automaticHotkey } from '../../../src-shared/model/automaticHotkey.ts';
import type { EditKind, EditResult } from '../../../src-shared/model/Curation.ts';
export type { EditKind, EditResult } from '../../../src-shared/model/Curation.ts';

/** Anything holding the project database; an `OpenProject` is one. */
export interface ProjectDb {
  db: ProjectDatabase;
}

export interface LabelRow {
  id: number;
  name: string;
  hotkey: string | null;
  color: string | null;
  unknown: boolean;
  created_at: string;
}

export interface LabelLook {
  name: string;
  hotkey: string | null;
  color: string | null;
  /** A filler word, trained as `_unknown_` by default. */
  unknown: boolean;
}

export type ClipField = 'deleted_at' | 'split_override' | 'speaker';

export interface ClipState {
  id: number;
  kind: ClipKind;
  label_id: number | null;
  deleted_at: string | null;
  split_override: SplitName | null;
  speaker: string | null;
  original_name: string;
}

/** Upper bound on one edit: a whole 100k-clip library fits, a runaway request does not. */
const MAX_CLIPS_PER_EDIT = 1_000_000;

/**
 * One user action as one history batch. It must be used inside a transaction: it opens the batch
 * row first (the event tables reference it), abandons the redo stack, and every change goes
 * through it, so a change and its history row cannot exist without each other.
 */
export class EditBatch {
  readonly id = `edit-${randomUUID()}`;
  readonly at = new Date().toISOString();
  private readonly statements;

  constructor(
    private readonly db: ProjectDatabase,
    kind: EditKind,
    private readonly actor: string,
  ) {
    if (!db.inTransaction) throw new StudioError('internal', 'An edit batch must be written inside a transaction.');
    abandonRedoStack(db, this.at);
    db.prepare('INSERT INTO history_batches (batch_id, kind, description, actor, at) VALUES (?, ?, ?, ?, ?)').run(
      this.id,
      kind,
      '',
      actor,
      this.at,
    );
    this.statements = {
      setClipLabel: db.prepare('UPDATE clips SET label_id = ? WHERE id = ?'),
      labelHistory: db.prepare(
        'INSERT INTO label_history (clip_id, old_label_id, new_label_id, batch_id, actor, at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      clipHistory: db.prepare(
        'INSERT INTO clip_history (batch_id, clip_id, field, old_value, new_value, at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      labelEvent: db.prepare(`INSERT INTO label_events
        (batch_id, label_id, action, old_name, new_name, old_hotkey, new_hotkey, old_color, new_color, old_unknown, new_unknown, created_at, at)
        VALUES (@batch, @labelId, @action, @oldName, @newName, @oldHotkey, @newHotkey, @oldColor, @newColor, @oldUnknown, @newUnknown, @createdAt, @at)`),
    };
  }

  relabelClip(clipId: number, oldLabelId: number | null, newLabelId: number | null): void {
    this.statements.setClipLabel.run(newLabelId, clipId);
    this.statements.labelHistory.run(clipId, oldLabelId, newLabelId, this.id, this.actor, this.at);
  }

  setClipField(clipId: number, field: ClipField, oldValue: string | null, newValue: string | null): void {
    applyClipField(this.db, clipId, field, newValue);
    this.statements.clipHistory.run(this.id, clipId, field, oldValue, newValue, this.at);
  }

  /** A label without a chosen hotkey gets its automatic one now, once (`automaticHotkey`). */
  createLabel(chosen: Omit<LabelLook, 'unknown'> & { unknown?: boolean }): LabelRow {
    const look: LabelLook = {
      ...chosen,
      hotkey: chosen.hotkey ?? automaticHotkey(chosen.name, takenHotkeys(this.db)),
      unknown: chosen.unknown ?? false,
    };
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO labels (name, created_at, hotkey, color, unknown) VALUES (?, ?, ?, ?, ?)')
      .run(look.name, this.at, look.hotkey, look.color, look.unknown ? 1 : 0);
    const row: LabelRow = { id: Number(lastInsertRowid), created_at: this.at, ...look };
    this.labelEvent('create', row.id, row.created_at, null, look);
    return row;
  }

  updateLabel(before: LabelRow, after: LabelLook, action: 'rename' | 'restyle'): void {
    this.db
      .prepare('UPDATE labels SET name = ?, hotkey = ?, color = ?, unknown = ? WHERE id = ?')
      .run(after.name, after.hotkey, after.color, after.unknown ? 1 : 0, before.id);
    this.labelEvent(action, before.id, before.created_at, before, after);
  }

  /** Callers move the label's clips away first; the foreign key refuses otherwise. */
  deleteLabel(row: LabelRow): void {
    this.db.prepare('DELETE FROM labels WHERE id = ?').run(row.id);
    this.labelEvent('delete', row.id, row.created_at, row, null);
  }

  finish(description: string, changed: number): EditResult {
    this.db.prepare('UPDATE history_batches SET description = ? WHERE batch_id = ?').run(description, this.id);
    return { batchId: this.id, description, changed };
  }

  private labelEvent(
    action: string,
    labelId: number,
    createdAt: string,
    before: LabelLook | null,
    after: LabelLook | null,
  ): void {
    this.statements.labelEvent.run({
      batch: this.id,
      labelId,
      action,
      oldName: before?.name ?? null,
      newName: after?.name ?? null,
      oldHotkey: before?.hotkey ?? null,
      newHotkey: after?.hotkey ?? null,
      oldColor: before?.color ?? null,
      newColor: after?.color ?? null,
      oldUnknown: before ? Number(before.unknown) : null,
      newUnknown: after ? Number(after.unknown) : null,
      createdAt,
      at: this.at,
    });
  }
}

/**
 * Lists a change made outside the undo history (an import) in the history, inside the caller's
 * transaction. It is not undoable, and like any new action it ends the redo stack, so a redo can
 * never clash with what the import added.
 */
export function recordImportBatch(db: ProjectDatabase, batchId: string, description: string, actor = 'import'): void {
  const at = new Date().toISOString();
  abandonRedoStack(db, at);
  db.prepare(
    "INSERT INTO history_batches (batch_id, kind, description, actor, at, undoable) VALUES (?, 'import', ?, ?, ?, 0)",
  ).run(batchId, description, actor, at);
}

/** Any new action makes the undone batches unreachable; they are marked, never deleted. */
export function abandonRedoStack(db: ProjectDatabase, at = new Date().toISOString()): void {
  db.prepare('UPDATE history_batches SET abandoned_at = ? WHERE undone_at IS NOT NULL AND abandoned_at IS NULL').run(
    at,
  );
}

/**
 * Writes a clip column. A split override also sets the effective split (the override, else the
 * hash); a speaker is the split group, so an unpinned clip follows its new group's hashed split.
 */
export function applyClipField(db: ProjectDatabase, clipId: number, field: ClipField, value: string | null): void {
  if (field === 'deleted_at') {
    cached(db, 'UPDATE clips SET deleted_at = ? WHERE id = ?').run(value, clipId);
    return;
  }
  const clip = cached(db, 'SELECT kind, speaker, original_name, split, split_override FROM clips WHERE id = ?').get(
    clipId,
  ) as
    | {
        kind: ClipKind;
        speaker: string | null;
        original_name: string;
        split: SplitName | null;
        split_override: SplitName | null;
      }
    | undefined;
  if (!clip) throw new StudioError('not_found', `Clip ${clipId} does not exist in this project.`);
  const hashed = (speaker: string | null): SplitName | null => {
    const percentages = readSplitPercentages(db);
    return percentages ? computeSplit({ speaker, originalName: clip.original_name }, percentages) : null;
  };
  if (field === 'speaker') {
    // Noise has no split, and a clip added since the splits were assigned waits for the next assignment.
    const split =
      clip.kind === 'sample' && clip.split_override === null && clip.split !== null ? hashed(value) : clip.split;
    cached(db, 'UPDATE clips SET speaker = ?, split = ? WHERE id = ?').run(value, split, clipId);
    return;
  }
  const split = value ?? hashed(clip.speaker);
  cached(db, 'UPDATE clips SET split_override = ?, split = ? WHERE id = ?').run(value, split, clipId);
}

const statementCache = new WeakMap<ProjectDatabase, Map<string, Database.Statement>>();

/** A prepared statement reused per connection: edits and undo run these once per clip. */
export function cached(db: ProjectDatabase, sql: string): Database.Statement {
  let statements = statementCache.get(db);
  if (!statements) statementCache.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare(sql)));
  return statement;
}

/** The percentages the splits were last assigned with, or null when they never were. */
export function readSplitPercentages(db: ProjectDatabase): SplitPercentages | null {
  const row = cached(
    db,
    'SELECT split_validation_percent AS v, split_test_percent AS t FROM project WHERE id = 1',
  ).get() as { v: number | null; t: number | null } | undefined;
  if (!row || row.v === null || row.t === null) return null;
  return { validationPercent: row.v, testPercent: row.t };
}

export function validateActor(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim().length === 0 || raw.length > 100) {
    throw new StudioError(
      'invalid_input',
      `Actor ${JSON.stringify(raw)} must name who made the change (e.g. "user" or "cli"), at most 100 characters.`,
    );
  }
  return raw.trim();
}

/** Checks a list of clip ids and loads those clips; unknown ids are reported together. */
export function requireClips(db: ProjectDatabase, raw: unknown): ClipState[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new StudioError('invalid_input', 'Select at least one clip.');
  if (raw.length > MAX_CLIPS_PER_EDIT) {
    throw new StudioError(
      'invalid_input',
      `${raw.length} clips in one edit is more than the ${MAX_CLIPS_PER_EDIT} allowed; edit them in parts.`,
    );
  }
  const bad = raw.find((id) => !Number.isSafeInteger(id) || (id as number) <= 0);
  if (bad !== undefined)
    throw new StudioError('invalid_input', `${JSON.stringify(bad)} is not a clip id (ids are positive integers).`);
  const ids = [...new Set(raw as number[])];
  const rows = db
    .prepare(
      `SELECT id, kind, label_id, deleted_at, split_override, speaker, original_name
       FROM clips WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as ClipState[];
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((row) => row.id));
    const missing = ids.filter((id) => !found.has(id));
    throw new StudioError(
      'not_found',
      `${listOf(missing.map(String), 'Clip', 'Clips')} ${missing.length === 1 ? 'does' : 'do'} not exist in this project; reload the library and select again.`,
    );
  }
  const order = new Map(ids.map((id, index) => [id, index]));
  return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

export function labelByName(db: ProjectDatabase, name: string): LabelRow | undefined {
  return toLabelRow(
    db.prepare('SELECT id, name, hotkey, color, unknown, created_at FROM labels WHERE name = ?').get(name) as
      RawLabelRow | undefined,
  );
}

export function labelById(db: ProjectDatabase, id: number): LabelRow | undefined {
  return toLabelRow(
    db.prepare('SELECT id, name, hotkey, color, unknown, created_at FROM labels WHERE id = ?').get(id) as
      RawLabelRow | undefined,
  );
}

/** "Clip 3", "Clips 3, 4 and 5", "Clips 3, 4, 5 … (12 in all)". */
export function listOf(items: readonly string[], one: string, many: string, shown = 5): string {
  if (items.length === 1) return `${one} ${items[0]}`;
  if (items.length <= shown) return `${many} ${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
  return `${many} ${items.slice(0, shown).join(', ')} … (${items.length} in all)`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

type RawLabelRow = Omit<LabelRow, 'unknown'> & { unknown: number };

function toLabelRow(row: RawLabelRow | undefined): LabelRow | undefined {
  return row && { ...row, unknown: row.unknown === 1 };
}

/** The hotkeys labels hold now, lower-cased. */
export function takenHotkeys(db: ProjectDatabase): Set<string> {
  return new Set(db.prepare('SELECT lower(hotkey) FROM labels WHERE hotkey IS NOT NULL').pluck().all() as string[]);
}
