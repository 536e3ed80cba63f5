import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { requireRuns } from './requireRuns.ts';

const maxTagLength = 60;

/** Tags as stored: trimmed, at most one of each name ignoring case; names a filter can say in one word or quoted. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of tags) {
    const tag = raw.trim();
    if (!tag) throw new StudioError('invalid_input', 'A tag cannot be empty.');
    if (tag.length > maxTagLength)
      throw new StudioError(
        'invalid_input',
        `The tag "${tag.slice(0, 20)}…" is longer than ${maxTagLength} characters.`,
      );
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f,]/.test(tag))
      throw new StudioError(
        'invalid_input',
        `The tag "${tag}" contains a comma or a control character; tags are single names.`,
      );
    if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  return [...seen.values()];
}

/** Replaces, adds or removes tags on each run, in one transaction; returns how many runs changed. */
export function setRunTags(
  db: ProjectDatabase,
  runIds: readonly string[],
  tags: readonly string[],
  mode: 'replace' | 'add' | 'remove',
): number {
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
      if (mode !== 'remove')
        for (const tag of clean) if (!hadLower.has(tag.toLowerCase())) edits += insert.run(runId, tag).changes;
      if (mode === 'remove')
        for (const tag of had) if (wanted.has(tag.toLowerCase())) edits += remove.run(runId, tag).changes;
      if (mode === 'replace')
        for (const tag of had) if (!wanted.has(tag.toLowerCase())) edits += remove.run(runId, tag).changes;
      if (edits) changed++;
    }
    return changed;
  })();
}
