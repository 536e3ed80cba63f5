import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import { decodeAudio } from '../../src-main/services/audio/decodeAudio.ts';
import { analyzeClips } from '../../src-main/services/library/analyzeClips.ts';
import { assignSplits, setSplitOverride, splitReport } from '../../src-main/services/library/assignSplits.ts';
import { restoreClips, trashClips } from '../../src-main/services/library/clipTrash.ts';
import { findNearDuplicates } from '../../src-main/services/library/findNearDuplicates.ts';
import { recordImportBatch } from '../../src-main/services/library/editHistory.ts';
import {
  createLabel,
  deleteLabel,
  mergeLabels,
  renameLabel,
  setLabel,
  setLabelStyle,
} from '../../src-main/services/library/labelEdits.ts';
import { historySummary, redo, undo } from '../../src-main/services/library/undoRedo.ts';
import type { OpenProject } from '../../src-main/services/project/ProjectSession.ts';
import { createProject } from '../../src-main/services/project/createProject.ts';
import { openProject } from '../../src-main/services/project/openProject.ts';
import { audioPath } from '../../src-main/services/project/projectLayout.ts';
import { migrations } from '../../src-main/store/migrations/index.ts';
import { openProjectDatabase, type ProjectDatabase } from '../../src-main/store/openProjectDatabase.ts';
import { fsddDir, fsddMissing, hasFsdd } from '../support/sharedData.ts';
import { synthWord } from '../support/synthWord.ts';
import { tempDir } from '../support/tempDir.ts';
import { encodeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir('kws-curation-');
let projectCounter = 0;

interface SeedClip {
  name: string;
  label?: string | null;
  speaker?: string | null;
  kind?: 'sample' | 'noise';
  audio?: Float32Array;
  sampleRate?: number;
}

/** Rows as importFolder writes them (clip, label, one 'import' history row per labeled clip). */
function seed(db: ProjectDatabase, clips: readonly SeedClip[], root?: OpenProject['layout']): number[] {
  const labelId = (name: string) => {
    const found = db.prepare('SELECT id FROM labels WHERE name = ?').pluck().get(name) as number | undefined;
    return (
      found ??
      Number(
        db.prepare('INSERT INTO labels (name, created_at) VALUES (?, ?)').run(name, '2026-01-01T00:00:00.000Z')
          .lastInsertRowid,
      )
    );
  };
  const batch = `import-${Date.now()}-${Math.random()}`;
  return db.transaction(() =>
    clips.map((clip) => {
      const rate = clip.sampleRate ?? 16000;
      const bytes = clip.audio ? wavBytes(clip.audio, rate) : Buffer.from(clip.name);
      const hash = createHash('sha256').update(bytes).digest('hex');
      if (clip.audio && root) {
        const file = audioPath(root, hash, 'wav');
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, bytes);
      }
      const label = clip.label ? labelId(clip.label) : null;
      const id = Number(
        db
          .prepare(
            `INSERT INTO clips (hash, kind, ext, source_path, original_name, label_id, speaker, duration_ms, sample_rate, channels,
               bits_per_sample, num_frames, added_at)
             VALUES (?, ?, 'wav', ?, ?, ?, ?, ?, ?, 1, 16, ?, '2026-01-01T00:00:00.000Z')`,
          )
          .run(
            hash,
            clip.kind ?? 'sample',
            `/data/${clip.name}`,
            clip.name,
            label,
            clip.speaker ?? null,
            clip.audio ? (clip.audio.length / rate) * 1000 : 1000,
            rate,
            clip.audio?.length ?? rate,
          ).lastInsertRowid,
      );
      if (label !== null) {
        db.prepare(
          "INSERT INTO label_history (clip_id, old_label_id, new_label_id, batch_id, actor, at) VALUES (?, NULL, ?, ?, 'import', '2026-01-01T00:00:00.000Z')",
        ).run(id, label, batch);
      }
      return id;
    }),
  )();
}

const wavBytes = (samples: Float32Array, sampleRate = 16000): Buffer => encodeTestWav(samples, sampleRate);

function newProject(): OpenProject {
  return createProject(path.join(dir, `project-${++projectCounter}`));
}

/** Everything an undo must put back: label rows (ids, names, hotkeys, colours) and clip columns. */
function snapshot(db: ProjectDatabase) {
  return {
    labels: db.prepare('SELECT id, name, hotkey, color, created_at FROM labels ORDER BY id').all(),
    clips: db.prepare('SELECT id, label_id, deleted_at, split, split_override FROM clips ORDER BY id').all(),
  };
}

function labelsByName(db: ProjectDatabase): Record<string, string | null> {
  const rows = db
    .prepare(
      'SELECT c.original_name AS name, l.name AS label FROM clips c LEFT JOIN labels l ON l.id = c.label_id ORDER BY c.id',
    )
    .all() as {
    name: string;
    label: string | null;
  }[];
  return Object.fromEntries(rows.map((row) => [row.name, row.label]));
}

function studioError(action: () => unknown): StudioError {
  try {
    action();
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw error;
  }
  throw new Error('expected a StudioError');
}

const speechClips: SeedClip[] = [
  { name: 'a1_nohash_0.wav', label: 'yes' },
  { name: 'a2_nohash_0.wav', label: 'yes' },
  { name: 'a3_nohash_0.wav', label: 'yes' },
  { name: 'b1_nohash_0.wav', label: 'no' },
  { name: 'b2_nohash_0.wav', label: 'no' },
  { name: 'u1_nohash_0.wav', label: null },
  { name: 'hum.wav', kind: 'noise' },
];

describe('label edits with undo and redo', () => {
  it('relabels, undoes, redoes, and a new action after an undo abandons the redo stack', () => {
    const project = newProject();
    const { db } = project;
    const [a1, a2, , b1, , u1, hum] = seed(db, speechClips);
    const initial = snapshot(db);

    const first = setLabel(project, [a1!, a2!, u1!], 'no');
    expect(first).toMatchObject({ description: "Relabel 3 clips to 'no'", changed: 3 });
    expect(first.batchId).toMatch(/^edit-/);
    expect(labelsByName(db)).toMatchObject({
      'a1_nohash_0.wav': 'no',
      'a2_nohash_0.wav': 'no',
      'u1_nohash_0.wav': 'no',
      'a3_nohash_0.wav': 'yes',
    });
    const afterFirst = snapshot(db);

    // Clips already at the label are skipped; nothing at all to change records nothing.
    expect(setLabel(project, [a1!, b1!], 'no')).toEqual({
      batchId: null,
      description: "Nothing to change: all 2 clips are already labeled 'no'",
      changed: 0,
    });
    expect(setLabel(project, [a1!, a2!, b1!], 'NO ')).toMatchObject({ changed: 0 });

    const second = setLabel(project, [b1!], 'maybe');
    expect(second.description).toBe("Relabel 1 clip to 'maybe' (new label)");
    const maybeId = db.prepare("SELECT id FROM labels WHERE name = 'maybe'").pluck().get();
    const afterSecond = snapshot(db);

    expect(undo(project)).toBe("Relabel 1 clip to 'maybe' (new label)");
    expect(snapshot(db)).toEqual(afterFirst);
    expect(undo(project)).toBe("Relabel 3 clips to 'no'");
    expect(snapshot(db)).toEqual(initial);
    // The import is history, but not undoable.
    expect(undo(project)).toBeNull();

    expect(redo(project)).toBe("Relabel 3 clips to 'no'");
    expect(snapshot(db)).toEqual(afterFirst);
    expect(redo(project)).toBe("Relabel 1 clip to 'maybe' (new label)");
    expect(snapshot(db)).toEqual(afterSecond);
    expect(db.prepare("SELECT id FROM labels WHERE name = 'maybe'").pluck().get()).toBe(maybeId);
    expect(redo(project)).toBeNull();

    expect(undo(project)).toBe("Relabel 1 clip to 'maybe' (new label)");
    const historyRows = db.prepare('SELECT COUNT(*) FROM label_history').pluck().get() as number;
    expect(setLabel(project, [u1!], 'yes').description).toBe("Relabel 1 clip to 'yes'");
    expect(redo(project)).toBeNull();
    const summary = historySummary(project, 10);
    expect(summary.nextRedo).toBeNull();
    expect(summary.nextUndo).toBe("Relabel 1 clip to 'yes'");
    expect(summary.entries.map((entry) => [entry.description, entry.state])).toEqual([
      ["Relabel 1 clip to 'yes'", 'done'],
      ["Relabel 1 clip to 'maybe' (new label)", 'abandoned'],
      ["Relabel 3 clips to 'no'", 'done'],
    ]);
    // History rows are never deleted: the abandoned batch's rows are still there.
    expect(db.prepare('SELECT COUNT(*) FROM label_history').pluck().get()).toBe(historyRows + 1);

    // Removing a label, and the errors a user can act on.
    expect(setLabel(project, [a1!], null).description).toBe('Remove the label from 1 clip');
    expect(studioError(() => setLabel(project, [hum!], 'yes'))).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/background-noise/),
    });
    expect(studioError(() => setLabel(project, [a1!, 999, 1000], 'yes'))).toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/Clips 999 and 1000 do not exist/),
    });
    expect(studioError(() => setLabel(project, [], 'yes'))).toMatchObject({
      code: 'invalid_input',
      message: 'Select at least one clip.',
    });
    expect(studioError(() => setLabel(project, [1.5], 'yes'))).toMatchObject({ code: 'invalid_input' });
    expect(studioError(() => setLabel(project, [a1!], 'yes', ''))).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/Actor/),
    });
    project.db.close();
  });

  it('validates label names with reasons', () => {
    const project = newProject();
    seed(project.db, speechClips);
    const reject = (name: string, pattern: RegExp) =>
      expect(studioError(() => createLabel(project, name))).toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(pattern),
      });
    reject('   ', /empty/);
    reject('x'.repeat(65), /65 characters; use at most 64/);
    reject('yes\tno', /control character/);
    reject('_silence_', /reserved: TensorFlow's speech_commands uses it for the class training adds for silent clips/);
    reject('_UNKNOWN_', /reserved/);
    reject('_background_noise_', /background-noise recordings/);
    reject('a/b', /folder names/);
    reject('YES', /already exists/);
    expect(createLabel(project, `  ${'é'.repeat(64)}  `).description).toBe(`Create label '${'é'.repeat(64)}'`);
    expect(studioError(() => createLabel(project, 'go', { hotkey: 'gg' }))).toMatchObject({
      message: expect.stringMatching(/single visible character/),
    });
    expect(studioError(() => createLabel(project, 'go', { color: 'red' }))).toMatchObject({
      message: expect.stringMatching(/#rrggbb/),
    });
    project.db.close();
  });

  it('keeps history across closing and reopening the project', () => {
    const project = newProject();
    const [a1, a2] = seed(project.db, speechClips);
    const before = snapshot(project.db);
    setLabel(project, [a1!, a2!], 'no');
    trashClips(project, [a1!]);
    const edited = snapshot(project.db);
    project.db.close();

    const reopened = openProject(project.layout.root);
    expect(snapshot(reopened.db)).toEqual(edited);
    expect(historySummary(reopened).nextUndo).toBe('Move 1 clip to the trash');
    expect(undo(reopened)).toBe('Move 1 clip to the trash');
    expect(undo(reopened)).toBe("Relabel 2 clips to 'no'");
    reopened.db.close();

    const again = openProject(project.layout.root);
    expect(snapshot(again.db)).toEqual(before);
    expect(historySummary(again).nextRedo).toBe("Relabel 2 clips to 'no'");
    expect(redo(again)).toBe("Relabel 2 clips to 'no'");
    expect(redo(again)).toBe('Move 1 clip to the trash');
    expect(snapshot(again.db)).toEqual(edited);
    again.db.close();
  });

  it('renames, merges and deletes labels, and undo restores the exact earlier state', () => {
    const project = newProject();
    const { db } = project;
    const [a1, , , b1] = seed(db, speechClips);
    createLabel(project, 'go', { hotkey: 'g', color: '#AABBCC' });
    expect(db.prepare("SELECT hotkey, color FROM labels WHERE name = 'go'").get()).toEqual({
      hotkey: 'g',
      color: '#aabbcc',
    });
    setLabel(project, [b1!], 'go');
    const start = snapshot(db);

    expect(studioError(() => renameLabel(project, 'yes', 'No'))).toMatchObject({
      code: 'invalid_input',
      message:
        "A label named 'no' already exists. To move the clips of 'yes' into it, merge 'yes' into 'no' instead of renaming.",
    });
    expect(studioError(() => renameLabel(project, 'nope', 'x'))).toMatchObject({ code: 'not_found' });
    expect(renameLabel(project, 'yes', 'Yes!').description).toBe("Rename label 'yes' to 'Yes!'");
    expect(renameLabel(project, 'Yes!', 'yes!').description).toBe("Rename label 'Yes!' to 'yes!'");
    expect(labelsByName(db)['a1_nohash_0.wav']).toBe('yes!');
    expect(undo(project)).toBe("Rename label 'Yes!' to 'yes!'");
    expect(undo(project)).toBe("Rename label 'yes' to 'Yes!'");
    expect(snapshot(db)).toEqual(start);

    const merged = mergeLabels(project, ['yes', 'go', 'no'], 'no');
    expect(merged).toMatchObject({ description: "Merge 'yes' and 'go' into 'no' (4 clips)", changed: 4 });
    expect(db.prepare('SELECT name FROM labels ORDER BY name').pluck().all()).toEqual(['no']);
    expect(new Set(Object.values(labelsByName(db)))).toEqual(new Set(['no', null]));
    expect(undo(project)).toBe(merged.description);
    expect(snapshot(db)).toEqual(start);
    expect(db.prepare("SELECT hotkey FROM labels WHERE name = 'go'").pluck().get()).toBe('g');

    expect(mergeLabels(project, ['yes', 'no'], 'answer').description).toBe(
      "Merge 'yes' and 'no' into 'answer' (new label) (4 clips)",
    );
    undo(project);
    expect(snapshot(db)).toEqual(start);
    expect(studioError(() => mergeLabels(project, ['yes', 'ghost'], 'no'))).toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/'ghost'/),
    });
    expect(studioError(() => mergeLabels(project, ['no'], 'NO'))).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/Nothing to merge/),
    });

    // A trashed clip keeps its label, so deleting the label unlabels it too.
    trashClips(project, [a1!]);
    const withTrash = snapshot(db);
    expect(deleteLabel(project, 'yes').description).toBe("Delete label 'yes' (3 clips now unlabeled)");
    expect(db.prepare("SELECT COUNT(*) FROM labels WHERE name = 'yes'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT label_id FROM clips WHERE id = ?').pluck().get(a1)).toBeNull();
    expect(undo(project)).toBe("Delete label 'yes' (3 clips now unlabeled)");
    expect(snapshot(db)).toEqual(withTrash);
    expect(redo(project)).toBe("Delete label 'yes' (3 clips now unlabeled)");
    // A new label never takes a deleted label's id, so undoing the delete can put it back as it was.
    createLabel(project, 'fresh');
    const freshId = db.prepare("SELECT id FROM labels WHERE name = 'fresh'").pluck().get() as number;
    expect(freshId).toBeGreaterThan(Math.max(...(withTrash.labels as { id: number }[]).map((label) => label.id)));
    undo(project);
    undo(project);
    expect(snapshot(db)).toEqual(withTrash);

    expect(setLabelStyle(project, 'no', { hotkey: 'n' }).description).toBe("Change the hotkey of 'no'");
    expect(studioError(() => setLabelStyle(project, 'yes', { hotkey: 'n' }))).toMatchObject({
      message: expect.stringMatching(/already labels clips as 'no'/),
    });
    expect(setLabelStyle(project, 'no', { hotkey: null, color: '#123456' }).description).toBe(
      "Change the hotkey and colour of 'no'",
    );
    undo(project);
    undo(project);
    expect(snapshot(db)).toEqual(withTrash);
    project.db.close();
  });

  it('gives each new label its hotkey once, stored with it, whatever the clip counts do later', () => {
    const project = newProject();
    const { db } = project;
    const keys = () =>
      Object.fromEntries(
        (
          db.prepare('SELECT name, hotkey FROM labels ORDER BY id').all() as { name: string; hotkey: string | null }[]
        ).map((row) => [row.name, row.hotkey]),
      );
    const [, , , b1] = seed(db, speechClips);
    createLabel(project, 'left');
    createLabel(project, 'right');
    createLabel(project, '7');
    setLabel(project, [b1!], 'up');
    createLabel(project, 'x', { hotkey: '4' });
    createLabel(project, 'down');
    // The first free digit each, in creation order; a one-character name keeps its own key; a chosen key is kept.
    expect(keys()).toEqual({ yes: null, no: null, left: '1', right: '2', '7': '7', up: '3', x: '4', down: '5' });
    const stored = keys();
    // Relabelling clips changes counts, never keys.
    setLabel(project, [b1!], 'left');
    setLabel(project, [b1!], 'up');
    expect(keys()).toEqual(stored);
    project.db.close();
  });

  it('marks labels as unknown words: undoable, frozen in snapshots, and left out of the default wanted words', () => {
    const project = newProject();
    const { db } = project;
    seed(db, speechClips);
    createLabel(project, 'bird');
    expect(setLabelStyle(project, 'bird', { unknown: true }).description).toBe("Mark 'bird' as an unknown word");
    expect(db.prepare("SELECT unknown FROM labels WHERE name = 'bird'").pluck().get()).toBe(1);
    expect(setLabelStyle(project, 'bird', { unknown: true }).batchId).toBeNull();
    expect(undo(project)).toBe("Mark 'bird' as an unknown word");
    expect(db.prepare("SELECT unknown FROM labels WHERE name = 'bird'").pluck().get()).toBe(0);
    expect(redo(project)).toBe("Mark 'bird' as an unknown word");
    expect(setLabelStyle(project, 'no', { hotkey: 'n', unknown: true }).description).toBe(
      "Change the hotkey of 'no'; mark 'no' as an unknown word",
    );
    // A deleted unknown word comes back as one.
    deleteLabel(project, 'bird');
    undo(project);
    expect(db.prepare("SELECT unknown FROM labels WHERE name = 'bird'").pluck().get()).toBe(1);
    project.db.close();
  });

  it('refuses an undo that would clash with a change made outside the history, and changes nothing', () => {
    const project = newProject();
    const { db } = project;
    seed(db, speechClips);
    deleteLabel(project, 'no');
    // An import (not part of the undo history) brings a new 'no' label.
    seed(db, [{ name: 'c1_nohash_0.wav', label: 'no' }]);
    const before = snapshot(db);
    const clash =
      "Cannot undo \"Delete label 'no' (2 clips now unlabeled)\": a label named 'no' was added since, outside the undo history (by an import), and two labels cannot share a name. Nothing was changed.";
    expect(studioError(() => undo(project))).toMatchObject({ code: 'invalid_input', message: clash });
    expect(snapshot(db)).toEqual(before);
    // Newer steps are still undone as usual; the clash stays where it is.
    setLabel(
      project,
      [db.prepare("SELECT id FROM clips WHERE original_name = 'u1_nohash_0.wav'").pluck().get() as number],
      'yes',
    );
    expect(undo(project)).toBe("Relabel 1 clip to 'yes'");
    expect(studioError(() => undo(project)).message).toBe(clash);
    expect(snapshot(db)).toEqual(before);
    // Once the name is free again (here changed outside the history), the delete can be undone.
    db.prepare("UPDATE labels SET name = 'no (2)' WHERE name = 'no'").run();
    expect(undo(project)).toBe("Delete label 'no' (2 clips now unlabeled)");
    expect(labelsByName(db)).toMatchObject({ 'b1_nohash_0.wav': 'no', 'c1_nohash_0.wav': 'no (2)' });
    project.db.close();
  });

  it('lists an import recorded with recordImportBatch, which ends the redo stack and is not undoable', () => {
    const project = newProject();
    const { db } = project;
    const [a1] = seed(db, speechClips);
    setLabel(project, [a1!], 'no');
    undo(project);
    db.transaction(() => {
      const [c1] = seed(db, [{ name: 'c1_nohash_0.wav', label: 'yes' }]);
      const batch = db.prepare('SELECT batch_id FROM label_history WHERE clip_id = ?').pluck().get(c1) as string;
      recordImportBatch(db, batch, 'Import 1 file from /data');
    })();
    expect(redo(project)).toBeNull();
    expect(undo(project)).toBeNull();
    expect(
      historySummary(project).entries.map(({ kind, description, state, undoable }) => ({
        kind,
        description,
        state,
        undoable,
      })),
    ).toEqual([
      { kind: 'import', description: 'Import 1 file from /data', state: 'done', undoable: false },
      { kind: 'relabel', description: "Relabel 1 clip to 'no'", state: 'abandoned', undoable: true },
    ]);
    expect(studioError(() => historySummary(project, 0))).toMatchObject({ code: 'invalid_input' });
    project.db.close();
  });
});

describe('trash', () => {
  it('trashes and restores clips, each an undoable step', () => {
    const project = newProject();
    const { db } = project;
    const [a1, a2, a3] = seed(db, speechClips);
    const live = () =>
      db
        .prepare("SELECT original_name FROM clips WHERE deleted_at IS NULL AND kind = 'sample' ORDER BY id")
        .pluck()
        .all();
    expect(trashClips(project, [a1!, a2!]).description).toBe('Move 2 clips to the trash');
    expect(live()).not.toContain('a1_nohash_0.wav');
    const trashedAt = db.prepare('SELECT deleted_at FROM clips WHERE id = ?').pluck().get(a1);
    expect(trashClips(project, [a1!]).changed).toBe(0);
    expect(studioError(() => setLabel(project, [a1!], 'no'))).toMatchObject({
      message: expect.stringMatching(/in the trash; restore it/),
    });

    expect(restoreClips(project, [a1!, a3!]).description).toBe('Restore 1 clip from the trash');
    expect(live()).toContain('a1_nohash_0.wav');
    expect(undo(project)).toBe('Restore 1 clip from the trash');
    expect(db.prepare('SELECT deleted_at FROM clips WHERE id = ?').pluck().get(a1)).toBe(trashedAt);
    expect(undo(project)).toBe('Move 2 clips to the trash');
    expect(live()).toHaveLength(6);
    project.db.close();
  });
});

describe('splits', () => {
  // Python (see test/unit/splitHash.test.ts): spk07 → 13.32 (test at 10/10), spk10 → 6.57 (validation),
  // lucas → 9.20 (validation), george → 74.18 (train), 0a7c2a8d → 56.84 (train), c0445658 → 76.04 (train).
  const fsddLike: SeedClip[] = [
    ...['spk07', 'spk10', 'lucas', 'george'].flatMap((speaker) =>
      [0, 1, 2].flatMap((digit) =>
        [0, 1].map((take) => ({ name: `${digit}_${speaker}_${take}.wav`, label: String(digit), speaker })),
      ),
    ),
    { name: '0a7c2a8d_nohash_0.wav', label: '0' },
    { name: '0a7c2a8d_nohash_1.wav', label: '1' },
    { name: 'c0445658_nohash_0.wav', label: '2' },
    { name: 'hum.wav', kind: 'noise' },
  ];
  const expected: Record<string, string> = {
    spk07: 'test',
    spk10: 'validation',
    lucas: 'validation',
    george: 'train',
    '0a7c2a8d': 'train',
    c0445658: 'train',
  };
  const groupOf = (name: string) => name.split('_')[name.includes('_nohash_') ? 0 : 1]!;

  it('assigns splits like train.py, keeps speakers together, is deterministic, and respects overrides', () => {
    const project = newProject();
    const { db } = project;
    seed(db, fsddLike);
    const result = assignSplits(project, { validationPercent: 10, testPercent: 10 });
    expect(result).toEqual({ train: 9, validation: 12, test: 6, unassigned: 0, changed: 27 });
    const rows = db.prepare("SELECT id, original_name AS name, split FROM clips WHERE kind = 'sample'").all() as {
      id: number;
      name: string;
      split: string;
    }[];
    for (const row of rows)
      expect({ name: row.name, split: row.split }).toEqual({ name: row.name, split: expected[groupOf(row.name)] });
    expect(db.prepare("SELECT split FROM clips WHERE kind = 'noise'").pluck().get()).toBeNull();
    expect(db.prepare('SELECT split_validation_percent AS v, split_test_percent AS t FROM project').get()).toEqual({
      v: 10,
      t: 10,
    });
    expect(assignSplits(project, { validationPercent: 10, testPercent: 10 }).changed).toBe(0);

    // Pin one of spk10's clips to train: the speaker now straddles two splits.
    const pinned = rows.find((row) => row.name === '1_spk10_0.wav')!.id;
    expect(setSplitOverride(project, [pinned], 'train').description).toBe('Pin 1 clip to the train split');
    expect(assignSplits(project, { validationPercent: 15, testPercent: 10 })).toMatchObject({
      validation: 12 + 6 - 1,
      test: 0,
      train: 10,
    });
    expect(db.prepare('SELECT split, split_override FROM clips WHERE id = ?').get(pinned)).toEqual({
      split: 'train',
      split_override: 'train',
    });

    const report = splitReport(project);
    expect(report.percentages).toEqual({ validationPercent: 15, testPercent: 10 });
    expect(report.overrides).toBe(1);
    expect(report.totals).toEqual({ train: 10, validation: 17, test: 0, unassigned: 0 });
    expect(report.byLabel.find((row) => row.label === '1')).toEqual({
      label: '1',
      train: 4,
      validation: 5,
      test: 0,
      unassigned: 0,
    });
    expect(report.leakage.groups).toEqual([
      { group: 'spk10', source: 'speaker', counts: { train: 1, validation: 5, test: 0 }, clipIds: expect.any(Array) },
    ]);
    expect(report.leakage.groups[0]!.clipIds).toContain(pinned);

    // Unpinning (here by undo) goes back to the hashed split under the current percentages.
    expect(undo(project)).toBe('Pin 1 clip to the train split');
    expect(db.prepare('SELECT split, split_override FROM clips WHERE id = ?').get(pinned)).toEqual({
      split: 'validation',
      split_override: null,
    });
    expect(splitReport(project).leakage.groups).toEqual([]);
    setSplitOverride(project, [pinned], 'test');
    expect(setSplitOverride(project, [pinned], null).description).toBe('Unpin 1 clip (back to the hashed split)');
    expect(db.prepare('SELECT split FROM clips WHERE id = ?').pluck().get(pinned)).toBe('validation');

    // A fresh project with the same clips gets the same splits.
    const other = newProject();
    seed(other.db, fsddLike);
    assignSplits(other, { validationPercent: 15, testPercent: 10 });
    const splits = (d: ProjectDatabase) =>
      d.prepare('SELECT original_name, split FROM clips ORDER BY original_name').all();
    expect(splits(other.db)).toEqual(splits(db));

    expect(studioError(() => assignSplits(project, { validationPercent: 60, testPercent: 50 }))).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/more than 100%/),
    });
    expect(studioError(() => assignSplits(project, { validationPercent: -1, testPercent: 10 }))).toMatchObject({
      code: 'invalid_input',
    });
    expect(studioError(() => setSplitOverride(project, [pinned], 'dev' as 'train'))).toMatchObject({
      code: 'invalid_input',
    });
    const hum = db.prepare("SELECT id FROM clips WHERE kind = 'noise'").pluck().get() as number;
    expect(studioError(() => setSplitOverride(project, [hum], 'train'))).toMatchObject({
      message: expect.stringMatching(/background noise/),
    });
    project.db.close();
    other.db.close();
  });
});

describe('quality flags and near-duplicates', () => {
  it('analyses stored audio, flags it, and reports near-duplicates that cross splits', async () => {
    const project = newProject();
    const { db } = project;
    const word = synthWord(11);
    const random = createRandom(5);
    const rms = Math.sqrt(word.reduce((sum, value) => sum + value * value, 0) / word.length);
    // 10% quieter, 20 ms later, with white noise 30 dB below the word.
    const noisyCopy = word.map((_, i) => 0.9 * (word[i - 320] ?? 0) + rms * 10 ** (-30 / 20) * random.gaussian());
    const [original, copy, other, quiet, silent] = seed(
      db,
      [
        { name: 'w_spk07_0.wav', label: 'yes', speaker: 'spk07', audio: word },
        { name: 'w_spk10_0.wav', label: 'yes', speaker: 'spk10', audio: noisyCopy },
        { name: 'w_george_0.wav', label: 'no', speaker: 'george', audio: synthWord(12) },
        { name: 'w_george_1.wav', label: 'no', speaker: 'george', audio: synthWord(13).map((value) => value * 0.005) },
        { name: 'w_george_2.wav', label: 'no', speaker: 'george', audio: new Float32Array(16000) },
      ],
      project.layout,
    );

    const progress: number[] = [];
    const report = await analyzeClips(project, { onProgress: (done) => progress.push(done) });
    expect(report).toEqual({ analyzed: 5, failed: [] });
    expect(progress.at(-1)).toBe(5);
    expect(await analyzeClips(project)).toEqual({ analyzed: 0, failed: [] });

    const flags = db.prepare('SELECT clip_id, flag FROM clip_flags ORDER BY clip_id, flag').all();
    expect(flags).toEqual([
      { clip_id: quiet, flag: 'quiet' },
      { clip_id: silent, flag: 'silent' },
    ]);
    // The JSON copy on the clip row follows clip_flags.
    expect(db.prepare('SELECT flags FROM clips WHERE id = ?').pluck().get(silent)).toBe('["silent"]');
    expect(db.prepare('SELECT flags FROM clips WHERE id = ?').pluck().get(original)).toBe('[]');
    // "Clips with flag X" is answered from clip_flags' primary key, not by scanning clips.
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT c.id FROM clips c WHERE c.id IN (SELECT clip_id FROM clip_flags WHERE flag = 'quiet')",
      )
      .all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/clip_flags USING PRIMARY KEY \(flag=\?\)/);

    const pairs = findNearDuplicates(project);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ a: original, b: copy });
    expect(pairs[0]!.distance).toBeLessThan(0.2);
    expect(findNearDuplicates(project, 0).map((pair) => [pair.a, pair.b])).toEqual([]);
    expect(studioError(() => findNearDuplicates(project, 1.5))).toMatchObject({ code: 'invalid_input' });

    // spk07 hashes to test and spk10 to validation: the copy leaks across splits.
    assignSplits(project, { validationPercent: 10, testPercent: 10 });
    const leakage = splitReport(project).leakage;
    expect(leakage.fingerprinted).toBe(5);
    expect(leakage.nearDuplicates).toEqual([
      {
        a: { clipId: original, split: 'test', label: 'yes' },
        b: { clipId: copy, split: 'validation', label: 'yes' },
        distance: pairs[0]!.distance,
      },
    ]);
    // Trashed clips are out of the search.
    trashClips(project, [copy!]);
    expect(findNearDuplicates(project)).toEqual([]);
    expect(other).toBeGreaterThan(0);
    project.db.close();
  });
});

describe('near-duplicates in real speech', () => {
  it.skipIf(!hasFsdd)(
    `finds altered copies among FSDD recordings and nothing else (${hasFsdd ? 'present' : fsddMissing})`,
    async () => {
      const project = newProject();
      const random = createRandom(8);
      const names = ['0', '3', '7'].flatMap((digit) =>
        ['george', 'jackson', 'lucas', 'nicolas'].flatMap((speaker) =>
          [0, 1, 2].map((take) => `${digit}_${speaker}_${take}.wav`),
        ),
      );
      const clips: SeedClip[] = [];
      for (const name of names) {
        const audio = await decodeAudio(fs.readFileSync(path.join(fsddDir, name)), name);
        const [label, speaker] = name.split('_');
        clips.push({ name, label: label!, speaker: speaker!, audio: audio.mono, sampleRate: audio.sampleRate });
      }
      // Three altered copies: quieter, 20 ms later, and with noise 30 dB below the speech.
      const copies = [0, 13, 29].map((index) => {
        const { audio, sampleRate, name, label } = clips[index]!;
        const rms = Math.sqrt(audio!.reduce((sum, value) => sum + value * value, 0) / audio!.length);
        const delay = Math.round(0.02 * sampleRate!);
        const altered = Float32Array.from(
          { length: audio!.length + delay },
          (_, i) => 0.9 * (audio![i - delay] ?? 0) + rms * 10 ** (-30 / 20) * random.gaussian(),
        );
        return { name: `copy-of-${name}`, label, speaker: 'someone', audio: altered, sampleRate };
      });
      const ids = seed(project.db, [...clips, ...copies], project.layout);
      expect(await analyzeClips(project)).toMatchObject({ analyzed: 39, failed: [] });
      const pairs = findNearDuplicates(project).map(({ a, b }) => [a, b]);
      expect(pairs.sort()).toEqual(
        [
          [ids[0], ids[36]],
          [ids[13], ids[37]],
          [ids[29], ids[38]],
        ].sort(),
      );
      project.db.close();
    },
  );
});

describe('migration 1 → 2', () => {
  it('upgrades a database with data and keeps every row', () => {
    const file = path.join(dir, 'm001.sqlite');
    const old = openProjectDatabase(file, { create: true, migrations: migrations.slice(0, 1) });
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    old
      .prepare(
        "INSERT INTO project (id, name, created_at, created_by_version) VALUES (1, 'fsdd', '2026-01-01', '0.1.0')",
      )
      .run();
    // FSDD-like: ten digit labels, four speakers, five takes each, imported with history.
    const speakers = ['george', 'jackson', 'lucas', 'theo'];
    const clips = [...Array(10).keys()].flatMap((digit) =>
      speakers.flatMap((speaker) =>
        [...Array(5).keys()].map((take) => ({
          name: `${digit}_${speaker}_${take}.wav`,
          label: String(digit),
          speaker,
        })),
      ),
    );
    seed(old, clips);
    old.prepare('UPDATE clips SET flags = \'["clipped","quiet"]\' WHERE id = 3').run();
    old.prepare("UPDATE clips SET flags = 'not json' WHERE id = 4").run();
    old.prepare("UPDATE clips SET deleted_at = '2026-02-01' WHERE id = 5").run();
    const dump = (db: ProjectDatabase) => ({
      labels: db.prepare('SELECT id, name, created_at FROM labels ORDER BY id').all(),
      clips: db
        .prepare('SELECT id, hash, label_id, speaker, split, flags, deleted_at, original_name FROM clips ORDER BY id')
        .all(),
      history: db.prepare('SELECT * FROM label_history ORDER BY id').all(),
    });
    const before = dump(old);
    old.close();

    const db = openProjectDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    expect(dump(db)).toEqual(before);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT clip_id, flag FROM clip_flags ORDER BY clip_id, flag').all()).toEqual([
      { clip_id: 3, flag: 'clipped' },
      { clip_id: 3, flag: 'quiet' },
    ]);
    expect(db.prepare('SELECT kind, undoable, description FROM history_batches').all()).toEqual([
      { kind: 'import', undoable: 0, description: 'Import (200 labeled clips)' },
    ]);
    // Migration 8 stores each label's key: the digit labels label as themselves.
    expect(db.prepare('SELECT name, hotkey, color FROM labels WHERE id = 1').get()).toEqual({
      name: '0',
      hotkey: '0',
      color: null,
    });

    // The upgraded project works with every edit, and new labels never reuse an old id.
    const project = { db };
    const clipIds = db
      .prepare("SELECT id FROM clips WHERE original_name LIKE '3_lucas_%' ORDER BY id")
      .pluck()
      .all() as number[];
    expect(setLabel(project, clipIds, 'three').description).toBe("Relabel 5 clips to 'three' (new label)");
    expect(db.prepare("SELECT id FROM labels WHERE name = 'three'").pluck().get()).toBe(11);
    expect(assignSplits(project, { validationPercent: 10, testPercent: 10 }).changed).toBe(200);
    // lucas hashes to validation (9.195…), the others to train.
    expect(db.prepare("SELECT DISTINCT split FROM clips WHERE speaker = 'lucas'").pluck().all()).toEqual([
      'validation',
    ]);
    expect(undo(project)).toBe("Relabel 5 clips to 'three' (new label)");
    expect(dump(db).labels).toEqual(before.labels);
    db.close();
  });
});
