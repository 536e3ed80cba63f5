import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { LibraryChange } from '../../src-shared/contract/LibraryService.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { computeSplit } from '../../src-main/services/library/splitHash.ts';
import { migrations } from '../../src-main/store/migrations/index.ts';
import { openProjectDatabase } from '../../src-main/store/openProjectDatabase.ts';
import { tempDir } from '../support/tempDir.ts';
import { writeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir('kws-speaker-');
let projects = 0;

/**
 * FSDD-style names. At 10 % validation and 10 % test, speech_commands hashing puts george in train,
 * lucas in validation and spk07 in test (see test/unit/splitHash.test.ts).
 */
async function fsddProject() {
  const name = `project-${++projects}`;
  const source = path.join(dir, `${name}-source`);
  fs.mkdirSync(source, { recursive: true });
  const files = ['0_george_0.wav', '0_george_1.wav', '1_lucas_0.wav', '2_spk07_0.wav'];
  files.forEach((file, i) => writeTestWav(path.join(source, file), { frequency: 300 + 110 * i }));
  // A clipped recording, for the flag counts.
  writeTestWav(path.join(source, '3_george_9.wav'), { frequency: 700, amplitude: 3 });
  fs.mkdirSync(path.join(source, '_background_noise_'));
  writeTestWav(path.join(source, '_background_noise_', 'hum.wav'), { frequency: 50, seconds: 2 });
  const studio = createServices({ home: path.join(dir, 'home') });
  const dispatcher = createDispatcher(studio.services);
  const client: ServiceTable = createClient({
    invoke: (channel, input) => dispatcher.call(channel, input),
    subscribe: dispatcher.subscribe,
  });
  const root = path.join(dir, name);
  await client.project.create({ path: root });
  await client.project.importFolder({ path: source, pattern: '{label}_{speaker}_{take}.wav' });
  await client.library.assignSplits({ validationPercent: 10, testPercent: 10 });
  const clips = (await client.library.listClips({ limit: 100 })).rows;
  const idOf = (file: string) => clips.find((clip) => clip.originalName === file)!.id;
  const clip = async (id: number) =>
    (await client.library.listClips({ limit: 100 })).rows.find((row) => row.id === id)!;
  return { studio, client, root, idOf, clip };
}

describe('speaker edits', () => {
  it("sets a speaker as an undoable edit, and the clip follows its new group to that group's split", async () => {
    const { studio, client, idOf, clip } = await fsddProject();
    const changes: LibraryChange[] = [];
    client.library.onDidChangeLibrary((change) => changes.push(change));
    const george = idOf('0_george_0.wav');
    expect(await clip(george)).toMatchObject({ speaker: 'george', split: 'train' });

    const result = await client.library.setSpeaker({ clipIds: [george], speaker: ' lucas ' });
    expect(result).toMatchObject({ changed: 1, description: "Set the speaker of 1 clip to 'lucas'" });
    expect(await clip(george)).toMatchObject({ speaker: 'lucas', split: 'validation' });
    expect(changes.map((change) => change.description)).toEqual([result.description]);
    // The split report sees no leak: the clip moved with its new group.
    expect((await client.library.splitReport()).leakage.groups).toEqual([]);

    expect(await client.library.undo()).toBe(result.description);
    expect(await clip(george)).toMatchObject({ speaker: 'george', split: 'train' });
    expect(await client.library.redo()).toBe(result.description);
    expect(await clip(george)).toMatchObject({ speaker: 'lucas', split: 'validation' });

    // Several clips at once, from a selection; unchanged ones are left out of the batch.
    const bulk = await client.library.setSpeaker({
      clipIds: [george, idOf('1_lucas_0.wav'), idOf('2_spk07_0.wav')],
      speaker: 'spk07',
    });
    expect(bulk).toMatchObject({ changed: 2, description: "Set the speaker of 2 clips to 'spk07'" });
    expect(await clip(idOf('1_lucas_0.wav'))).toMatchObject({ speaker: 'spk07', split: 'test' });
    expect(await client.library.setSpeaker({ clipIds: [george], speaker: 'spk07' })).toMatchObject({
      batchId: null,
      changed: 0,
    });
    await client.library.undo();
    expect(await clip(idOf('1_lucas_0.wav'))).toMatchObject({ speaker: 'lucas', split: 'validation' });

    // No speaker: the file name is the group again, hashed as train.py hashes it.
    const cleared = await client.library.setSpeaker({ clipIds: [george], speaker: '' });
    expect(cleared.description).toBe('Clear the speaker of 1 clip');
    expect(await clip(george)).toMatchObject({
      speaker: null,
      split: computeSplit(
        { speaker: null, originalName: '0_george_0.wav' },
        { validationPercent: 10, testPercent: 10 },
      ),
    });
    studio.dispose();
  });

  it('leaves a pinned clip in its split, and unpinning uses the new speaker', async () => {
    const { studio, client, idOf, clip } = await fsddProject();
    const id = idOf('0_george_1.wav');
    await client.library.setSplitOverride({ clipIds: [id], split: 'test' });
    await client.library.setSpeaker({ clipIds: [id], speaker: 'lucas' });
    expect(await clip(id)).toMatchObject({ speaker: 'lucas', split: 'test' });
    await client.library.setSplitOverride({ clipIds: [id], split: null });
    expect(await clip(id)).toMatchObject({ speaker: 'lucas', split: 'validation' });
    // Undo twice: pinned again, then george again, still pinned to test.
    await client.library.undo();
    await client.library.undo();
    expect(await clip(id)).toMatchObject({ speaker: 'george', split: 'test' });
    studio.dispose();
  });

  it('keeps speaker edits in the history across a restart', async () => {
    const first = await fsddProject();
    const id = first.idOf('0_george_0.wav');
    const edit = await first.client.library.setSpeaker({ clipIds: [id], speaker: 'spk07' });
    first.studio.dispose();

    const studio = createServices({ home: path.join(dir, 'home') });
    await studio.services.project.open({ path: first.root });
    const history = await studio.services.library.history({ limit: 5 });
    expect(history.nextUndo).toBe(edit.description);
    expect(history.entries[0]).toMatchObject({ kind: 'speaker', state: 'done', undoable: true });
    expect(await studio.services.library.undo()).toBe(edit.description);
    const row = (await studio.services.library.listClips({ limit: 100 })).rows.find((clip) => clip.id === id)!;
    expect(row).toMatchObject({ speaker: 'george', split: 'train' });
    studio.dispose();
  });

  it('refuses bad names and background noise, with reasons', async () => {
    const { studio, client, idOf } = await fsddProject();
    const id = idOf('0_george_0.wav');
    await expect(client.library.setSpeaker({ clipIds: [id], speaker: 'a\tb' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/control character/),
    });
    await expect(client.library.setSpeaker({ clipIds: [id], speaker: 'x'.repeat(201) })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    const noise = (await client.library.listClips({ filter: { kind: 'noise' } })).rows[0]!.id;
    await expect(client.library.setSpeaker({ clipIds: [noise], speaker: 'anna' })).rejects.toMatchObject({
      message: expect.stringMatching(/background-noise/),
    });
    await expect(client.library.setSpeaker({ clipIds: [999_999], speaker: 'anna' })).rejects.toMatchObject({
      code: 'not_found',
    });
    studio.dispose();
  });
});

describe('flag counts', () => {
  it('count the flags of the library in one query, as the statistics do, leaving out the trash', async () => {
    const { studio, client, idOf } = await fsddProject();
    const counts = await client.library.flagCounts();
    expect(counts).toContainEqual({ flag: 'clipped', count: 1 });
    expect(counts).toEqual((await client.library.statistics()).flags);
    await client.library.trashClips({ clipIds: [idOf('3_george_9.wav')] });
    expect((await client.library.flagCounts()).find((item) => item.flag === 'clipped')).toBeUndefined();
    studio.dispose();
  });
});

describe('migration 2 → 3', () => {
  it('keeps the clip history and lets it record speakers', () => {
    const file = path.join(dir, 'm002.sqlite');
    const old = openProjectDatabase(file, { create: true, migrations: migrations.slice(0, 2) });
    old
      .prepare("INSERT INTO project (id, name, created_at, created_by_version) VALUES (1, 'p', '2026-01-01', '0.1.0')")
      .run();
    old
      .prepare(
        `INSERT INTO clips (hash, ext, source_path, original_name, duration_ms, sample_rate, channels, bits_per_sample, num_frames, added_at)
       VALUES ('abc', 'wav', '/x.wav', 'x.wav', 1000, 16000, 1, 16, 16000, 'now')`,
      )
      .run();
    old
      .prepare(
        "INSERT INTO history_batches (batch_id, kind, description, actor, at) VALUES ('b1', 'trash', 'Move 1 clip to the trash', 'user', 'now')",
      )
      .run();
    old
      .prepare(
        "INSERT INTO clip_history (batch_id, clip_id, field, old_value, new_value, at) VALUES ('b1', 1, 'deleted_at', NULL, 'now', 'now')",
      )
      .run();
    expect(() =>
      old.prepare("INSERT INTO clip_history (batch_id, clip_id, field, at) VALUES ('b1', 1, 'speaker', 'now')").run(),
    ).toThrow(/CHECK/);
    const before = old.prepare('SELECT * FROM clip_history').all();
    old.close();

    const db = openProjectDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare('SELECT * FROM clip_history').all()).toEqual(before);
    db.prepare(
      "INSERT INTO clip_history (batch_id, clip_id, field, old_value, new_value, at) VALUES ('b1', 1, 'speaker', NULL, 'anna', 'now')",
    ).run();
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clip_history' ORDER BY name")
        .pluck()
        .all(),
    ).toEqual(['clip_history_batch', 'clip_history_clip']);
    db.close();
  });
});
