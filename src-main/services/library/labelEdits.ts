import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import {
  EditBatch,
  labelByName,
  listOf,
  plural,
  requireClips,
  validateActor,
  type EditResult,
  type LabelLook,
  type LabelRow,
  type ProjectDb,
} from './editHistory.ts';
import { validateColor, validateHotkey, validateLabelName } from './labelName.ts';
import type { LabelStyle } from '../../../src-shared/model/Curation.ts';
export type { LabelStyle } from '../../../src-shared/model/Curation.ts';

/**
 * Label edits. Each is one transaction and one history batch (see editHistory.ts), validates its
 * input before touching anything, and is undone as a whole by `undo`.
 */

/** Labels the clips (null removes their label), creating the label when it is new. */
export function setLabel(
  project: ProjectDb,
  clipIds: readonly number[],
  labelName: string | null,
  actor = 'user',
): EditResult {
  const { db } = project;
  const who = validateActor(actor);
  const name = labelName === null ? null : validateLabelName(labelName);
  return db.transaction((): EditResult => {
    const clips = requireClips(db, clipIds);
    const noise = clips.filter((clip) => clip.kind === 'noise').map((clip) => String(clip.id));
    if (noise.length > 0) {
      throw new StudioError(
        'invalid_input',
        `${listOf(noise, 'Clip', 'Clips')} ${noise.length === 1 ? 'is a background-noise recording' : 'are background-noise recordings'}; labels apply to samples only. Deselect ${noise.length === 1 ? 'it' : 'them'}.`,
      );
    }
    const trashed = clips.filter((clip) => clip.deleted_at !== null).map((clip) => String(clip.id));
    if (trashed.length > 0) {
      throw new StudioError(
        'invalid_input',
        `${listOf(trashed, 'Clip', 'Clips')} ${trashed.length === 1 ? 'is' : 'are'} in the trash; restore ${trashed.length === 1 ? 'it' : 'them'} before relabeling.`,
      );
    }
    let label = name === null ? undefined : labelByName(db, name);
    const targetId = label?.id ?? null;
    const toChange = clips.filter((clip) => clip.label_id !== targetId);
    if (toChange.length === 0) {
      const already = name === null ? 'unlabeled' : `labeled '${label!.name}'`;
      return {
        batchId: null,
        description: `Nothing to change: ${clips.length === 1 ? 'the clip is' : `all ${clips.length} clips are`} already ${already}`,
        changed: 0,
      };
    }
    const batch = new EditBatch(db, 'relabel', who);
    const created = name !== null && !label;
    if (name !== null && !label) label = batch.createLabel({ name, hotkey: null, color: null });
    for (const clip of toChange) batch.relabelClip(clip.id, clip.label_id, label?.id ?? null);
    const description = label
      ? `Relabel ${plural(toChange.length, 'clip')} to '${label.name}'${created ? ' (new label)' : ''}`
      : `Remove the label from ${plural(toChange.length, 'clip')}`;
    return batch.finish(description, toChange.length);
  })();
}

export function createLabel(project: ProjectDb, labelName: string, style: LabelStyle = {}, actor = 'user'): EditResult {
  const { db } = project;
  const who = validateActor(actor);
  const name = validateLabelName(labelName);
  const hotkey = validateHotkey(style.hotkey ?? null);
  const color = validateColor(style.color ?? null);
  return db.transaction((): EditResult => {
    const existing = labelByName(db, name);
    if (existing)
      throw new StudioError(
        'invalid_input',
        `A label named '${existing.name}' already exists; pick it from the list or choose another name.`,
      );
    assertHotkeyFree(db, hotkey, null);
    const batch = new EditBatch(db, 'create_label', who);
    batch.createLabel({ name, hotkey, color, unknown: style.unknown ?? false });
    return batch.finish(`Create label '${name}'`, 1);
  })();
}

/** Renames a label; its clips follow. Renaming onto another label's name is a merge, so it is refused. */
export function renameLabel(project: ProjectDb, oldName: string, newName: string, actor = 'user'): EditResult {
  const { db } = project;
  const who = validateActor(actor);
  const target = validateLabelName(newName, 'New label name');
  return db.transaction((): EditResult => {
    const label = requireLabel(db, oldName);
    if (label.name === target)
      throw new StudioError('invalid_input', `The label is already named '${target}'; type a different name.`);
    const other = labelByName(db, target);
    if (other && other.id !== label.id) {
      throw new StudioError(
        'invalid_input',
        `A label named '${other.name}' already exists. To move the clips of '${label.name}' into it, merge '${label.name}' into '${other.name}' instead of renaming.`,
      );
    }
    const batch = new EditBatch(db, 'rename_label', who);
    batch.updateLabel(
      label,
      { name: target, hotkey: label.hotkey, color: label.color, unknown: label.unknown },
      'rename',
    );
    return batch.finish(`Rename label '${label.name}' to '${target}'`, 1);
  })();
}

/** Moves every clip of the source labels (trashed ones too) to the target and deletes the sources. */
export function mergeLabels(
  project: ProjectDb,
  sourceNames: readonly string[],
  targetName: string,
  actor = 'user',
): EditResult {
  const { db } = project;
  const who = validateActor(actor);
  const targetLabelName = validateLabelName(targetName, 'Target label name');
  if (!Array.isArray(sourceNames) || sourceNames.length === 0) {
    throw new StudioError('invalid_input', 'Choose at least one label to merge.');
  }
  return db.transaction((): EditResult => {
    const existingTarget = labelByName(db, targetLabelName);
    const unknown: string[] = [];
    const sources = new Map<number, LabelRow>();
    for (const raw of sourceNames) {
      const label = typeof raw === 'string' ? labelByName(db, raw.trim()) : undefined;
      if (!label) unknown.push(`'${String(raw)}'`);
      else if (label.id !== existingTarget?.id) sources.set(label.id, label);
    }
    if (unknown.length > 0) {
      throw new StudioError(
        'not_found',
        `${listOf(unknown, 'Label', 'Labels')} ${unknown.length === 1 ? 'does' : 'do'} not exist; reload the label list and choose again.`,
      );
    }
    if (sources.size === 0) {
      throw new StudioError(
        'invalid_input',
        `Nothing to merge: choose at least one label other than the target '${targetLabelName}'.`,
      );
    }
    const batch = new EditBatch(db, 'merge_labels', who);
    const target = existingTarget ?? batch.createLabel({ name: targetLabelName, hotkey: null, color: null });
    const clipsOf = db.prepare('SELECT id FROM clips WHERE label_id = ? ORDER BY id').pluck();
    let moved = 0;
    for (const source of sources.values()) {
      for (const clipId of clipsOf.all(source.id) as number[]) {
        batch.relabelClip(clipId, source.id, target.id);
        moved++;
      }
      batch.deleteLabel(source);
    }
    const names = [...sources.values()].map((label) => `'${label.name}'`);
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    return batch.finish(
      `Merge ${list} into '${target.name}'${existingTarget ? '' : ' (new label)'} (${plural(moved, 'clip')})`,
      moved,
    );
  })();
}

/** Deletes a label; its clips (trashed ones too) become unlabeled, each change recorded. */
export function deleteLabel(project: ProjectDb, name: string, actor = 'user'): EditResult {
  const { db } = project;
  const who = validateActor(actor);
  return db.transaction((): EditResult => {
    const label = requireLabel(db, name);
    const batch = new EditBatch(db, 'delete_label', who);
    const clipIds = db.prepare('SELECT id FROM clips WHERE label_id = ? ORDER BY id').pluck().all(label.id) as number[];
    for (const clipId of clipIds) batch.relabelClip(clipId, label.id, null);
    batch.deleteLabel(label);
    const unlabeled = clipIds.length === 0 ? 'no clips' : `${plural(clipIds.length, 'clip')} now unlabeled`;
    return batch.finish(`Delete label '${label.name}' (${unlabeled})`, clipIds.length);
  })();
}

/** Sets or clears a label's hotkey and colour, and marks it a filler word (`_unknown_`) or a keyword. */
export function setLabelStyle(project: ProjectDb, name: string, style: LabelStyle, actor = 'user'): EditResult {
  const { db } = project;
  const who = validateActor(actor);
  const hotkey = style.hotkey === undefined ? undefined : validateHotkey(style.hotkey);
  const color = style.color === undefined ? undefined : validateColor(style.color);
  return db.transaction((): EditResult => {
    const label = requireLabel(db, name);
    const after: LabelLook = {
      name: label.name,
      hotkey: hotkey === undefined ? label.hotkey : hotkey,
      color: color === undefined ? label.color : color,
      unknown: style.unknown ?? label.unknown,
    };
    const changes = [
      after.hotkey !== label.hotkey ? 'hotkey' : null,
      after.color !== label.color ? 'colour' : null,
    ].filter((part) => part !== null);
    const roleChanged = after.unknown !== label.unknown;
    if (changes.length === 0 && !roleChanged)
      return { batchId: null, description: `Nothing to change: '${label.name}' already looks like that`, changed: 0 };
    assertHotkeyFree(db, after.hotkey, label.id);
    const batch = new EditBatch(db, 'restyle_label', who);
    batch.updateLabel(label, after, 'restyle');
    const role = after.unknown ? `Mark '${label.name}' as an unknown word` : `Mark '${label.name}' as a keyword`;
    const description =
      changes.length === 0
        ? role
        : `Change the ${changes.join(' and ')} of '${label.name}'${roleChanged ? `; ${role.charAt(0).toLowerCase()}${role.slice(1)}` : ''}`;
    return batch.finish(description, 1);
  })();
}

export function requireLabel(db: ProjectDatabase, raw: unknown): LabelRow {
  // Looked up without the naming rules, so a label imported under a now-reserved name can be fixed.
  if (typeof raw !== 'string' || raw.trim() === '') throw new StudioError('invalid_input', 'Choose a label.');
  const label = labelByName(db, raw.trim());
  if (!label)
    throw new StudioError(
      'not_found',
      `There is no label named '${raw.trim()}'; reload the label list and choose again.`,
    );
  return label;
}

function assertHotkeyFree(db: ProjectDatabase, hotkey: string | null, ownId: number | null): void {
  if (hotkey === null) return;
  const holder = db.prepare('SELECT id, name FROM labels WHERE hotkey = ?').get(hotkey) as
    { id: number; name: string } | undefined;
  if (holder && holder.id !== ownId) {
    throw new StudioError(
      'invalid_input',
      `The hotkey "${hotkey}" already labels clips as '${holder.name}'; clear it there first or choose another key.`,
    );
  }
}
