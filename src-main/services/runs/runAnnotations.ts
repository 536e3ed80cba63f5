import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { PurgeResult } from '../../../src-shared/model/RunTable.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { liveOwnerOf, recoverOrphanRuns, runBusyError } from '../training/runOwners.ts';

const maxTagLength = 60;
const maxNoteLength = 20_000;

/** Throws, naming them, when any of the runs is not in the project; an edit applies to all or none. */
export function requireRuns(db: ProjectDatabase, runIds: readonly string[]): void {
  const found = new Set(db.prepare('SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(runIds)) as string[]);
  const missing = [...new Set(runIds.filter((id) => !found.has(id)))];
  if (missing.length) throw new StudioError('not_found', `${listed(missing)} ${missing.length === 1 ? 'is' : 'are'} not in this project.`);
}

/** Tags as stored: trimmed, at most one of each name ignoring case; names a filter can say in one word or quoted. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of tags) {
    const tag = raw.trim();
    if (!tag) throw new StudioError('invalid_input', 'A tag cannot be empty.');
    if (tag.length > maxTagLength) throw new StudioError('invalid_input', `The tag "${tag.slice(0, 20)}…" is longer than ${maxTagLength} characters.`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f,]/.test(tag)) throw new StudioError('invalid_input', `The tag "${tag}" contains a comma or a control character; tags are single names.`);
    if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  return [...seen.values()];
}

export function setRunTags(db: ProjectDatabase, runIds: readonly string[], tags: readonly string[], mode: 'replace' | 'add' | 'remove'): number {
  const clean = normalizeTags(tags);
  requireRuns(db, runIds);
  const current = db.prepare('SELECT tag FROM run_tags WHERE run_id = ?').pluck();
  const insert = db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)');
  const remove = db.prepare('DELETE FROM run_tags WHERE run_id = ? AND tag = ?');
  return db.transaction(() => {
    let changed = 0;
    for (const runId of new Set(runIds)) {
      const had = current.all(runId) as string[];
      const hadLower = new Set(had.map((tag) => tag.toLowerCase()));
      const wanted = new Set(clean.map((tag) => tag.toLowerCase()));
      let edits = 0;
      if (mode !== 'remove') for (const tag of clean) if (!hadLower.has(tag.toLowerCase())) edits += insert.run(runId, tag).changes;
      if (mode === 'remove') for (const tag of had) if (wanted.has(tag.toLowerCase())) edits += remove.run(runId, tag).changes;
      if (mode === 'replace') for (const tag of had) if (!wanted.has(tag.toLowerCase())) edits += remove.run(runId, tag).changes;
      if (edits) changed++;
    }
    return changed;
  })();
}

export function setRunNote(db: ProjectDatabase, runIds: readonly string[], note: string): number {
  if (note.length > maxNoteLength) throw new StudioError('invalid_input', `A note holds at most ${maxNoteLength.toLocaleString('en-US')} characters.`);
  return updateEach(db, runIds, 'UPDATE runs SET note = ? WHERE id = ? AND note != ?', (id) => [note, id, note]);
}

export function setRunStarred(db: ProjectDatabase, runIds: readonly string[], starred: boolean): number {
  return updateEach(db, runIds, 'UPDATE runs SET starred = ? WHERE id = ? AND starred != ?', (id) => [Number(starred), id, Number(starred)]);
}

export function setRunArchived(db: ProjectDatabase, runIds: readonly string[], archived: boolean): number {
  const now = new Date().toISOString();
  return archived
    ? updateEach(db, runIds, 'UPDATE runs SET archived_at = ? WHERE id = ? AND archived_at IS NULL', (id) => [now, id])
    : updateEach(db, runIds, 'UPDATE runs SET archived_at = NULL WHERE id = ? AND archived_at IS NOT NULL', (id) => [id]);
}

/**
 * Soft delete: the run leaves every list but the trash, and `restore` brings it back unchanged. A
 * run a live process owns is refused, naming the process; the check and the delete are one
 * transaction, and a deleted run cannot be claimed, so a run is never trained in the trash. A run
 * left running by a process that is gone is marked interrupted first.
 */
export function setRunDeleted(db: ProjectDatabase, runIds: readonly string[], deleted: boolean): number {
  if (!deleted) return updateEach(db, runIds, 'UPDATE runs SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL', (id) => [id]);
  const now = new Date().toISOString();
  const remove = db.transaction(() => {
    refuseOwnedRuns(db, runIds);
    recoverOrphanRuns(db);
    return updateEach(db, runIds, 'UPDATE runs SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL', (id) => [now, id]);
  });
  return remove.immediate();
}

/** Throws, naming the process, when a live process owns any of the runs. */
function refuseOwnedRuns(db: ProjectDatabase, runIds: readonly string[]): void {
  requireRuns(db, runIds);
  for (const runId of new Set(runIds)) {
    const owner = liveOwnerOf(db, runId);
    if (owner) throw runBusyError(runId, owner);
  }
}

/**
 * Removes deleted runs for good: their rows (metrics, predictions, tags and artifacts cascade) and
 * their folder of checkpoints and models. Only runs already in the trash; without ids, the whole
 * trash. A sweep that still runs keeps its runs, since its scheduler reads them.
 */
export function purgeDeletedRuns(project: OpenProject, runIds?: readonly string[]): PurgeResult {
  const { db, layout } = project;
  if (runIds) {
    requireRuns(db, runIds);
    const live = db.prepare('SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL').pluck().all(JSON.stringify(runIds)) as string[];
    if (live.length) throw new StudioError('invalid_input', `${listed(live)} ${live.length === 1 ? 'is' : 'are'} not deleted; delete before purging.`);
  }
  const targets = (runIds
    ? [...new Set(runIds)]
    : (db.prepare('SELECT id FROM runs WHERE deleted_at IS NOT NULL').pluck().all() as string[]));
  const inLiveSweeps = db
    .prepare(
      `SELECT r.id FROM runs r JOIN sweeps s ON s.id = r.sweep_id
       WHERE r.id IN (SELECT value FROM json_each(?)) AND s.status IN ('running', 'paused')`,
    )
    .pluck()
    .all(JSON.stringify(targets)) as string[];
  if (inLiveSweeps.length) {
    throw new StudioError('invalid_input', `${listed(inLiveSweeps)} belong${inLiveSweeps.length === 1 ? 's' : ''} to a sweep that has not ended; finish or cancel the sweep before purging.`);
  }
  const purge = db.transaction(() => {
    // A run in the trash cannot be claimed; one deleted by an older version while it was claimed can be.
    refuseOwnedRuns(db, targets);
    const detach = db.prepare('UPDATE trials SET run_id = NULL WHERE run_id = ?');
    const remove = db.prepare('DELETE FROM runs WHERE id = ?');
    for (const id of targets) {
      detach.run(id);
      remove.run(id);
    }
  });
  purge.immediate();
  let bytesFreed = 0;
  for (const id of targets) {
    const folder = path.join(layout.runs, id);
    bytesFreed += folderBytes(folder);
    fs.rmSync(folder, { recursive: true, force: true });
  }
  return { purged: targets.length, bytesFreed };
}

function updateEach(db: ProjectDatabase, runIds: readonly string[], sql: string, args: (id: string) => unknown[]): number {
  requireRuns(db, runIds);
  const statement = db.prepare(sql);
  return db.transaction(() => [...new Set(runIds)].reduce((changed, id) => changed + statement.run(...args(id)).changes, 0))();
}

function folderBytes(folder: string): number {
  if (!fs.existsSync(folder)) return 0;
  let bytes = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

function listed(ids: readonly string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}
