import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import { createClient } from '../../src-shared/contract/createClient.ts';
import type { LibraryChange } from '../../src-shared/contract/LibraryService.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { tempDir } from '../support/tempDir.ts';
import { writeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir();

/** The library through the same validated dispatcher both transports use. */
let projects = 0;
async function libraryWithClips() {
  const name = `project-${++projects}`;
  const source = path.join(dir, `${name}-source`);
  for (const [label, count] of [
    ['yes', 4],
    ['no', 3],
  ] as const) {
    fs.mkdirSync(path.join(source, label), { recursive: true });
    for (let i = 0; i < count; i++)
      writeTestWav(path.join(source, label, `spk${i}_nohash_${label}.wav`), {
        frequency: 200 + i * 50 + label.length * 300,
      });
  }
  const studio = createServices({ home: path.join(dir, 'home') });
  const dispatcher = createDispatcher(studio.services);
  const client = createClient({
    invoke: (channel, input) => dispatcher.call(channel, input),
    subscribe: dispatcher.subscribe,
  });
  await client.project.create({ path: path.join(dir, name) });
  await client.project.importFolder({ path: source });
  return { studio, client };
}

describe('library service', () => {
  it('relabels, undoes and redoes through the contract, and tells listeners', async () => {
    const { studio, client } = await libraryWithClips();
    const changes: LibraryChange[] = [];
    client.library.onDidChangeLibrary((change) => changes.push(change));
    const noIds = await client.library.clipIds({ filter: { labels: ['no'] } });
    expect(noIds).toBeInstanceOf(Int32Array);
    expect(noIds.length).toBe(3);

    const result = await client.library.setLabel({ clipIds: noIds.subarray(0, 2), label: 'yes' });
    expect(result.changed).toBe(2);
    const count = async (label: string) =>
      (await client.library.labelCounts()).find((item) => item.label === label)?.count;
    expect(await count('yes')).toBe(6);
    expect(await client.library.undo()).toMatch(/2 clips/);
    expect(await count('yes')).toBe(4);
    expect(await client.library.redo()).toMatch(/2 clips/);
    expect(await count('yes')).toBe(6);
    expect(changes.map((change) => change.description)).toEqual([
      result.description,
      `Undo: ${result.description}`,
      `Redo: ${result.description}`,
    ]);

    await expect(client.library.setLabel({ clipIds: [noIds[0]!], label: '_unknown_' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/reserved/),
    });
    await expect(client.library.setLabel({ clipIds: [999_999], label: 'yes' })).rejects.toMatchObject({
      code: 'not_found',
    });
    const history = await client.library.history({ limit: 10 });
    expect(history.nextUndo).toBe(result.description);
    studio.dispose();
  });

  it('moves clips to the trash and back, assigns splits and reports statistics', async () => {
    const { studio, client } = await libraryWithClips();
    const yes = await client.library.clipIds({ filter: { labels: ['yes'] } });
    await client.library.trashClips({ clipIds: [yes[0]!] });
    expect((await client.library.listClips({ filter: { trashed: true } })).total).toBe(1);
    expect((await client.library.listClips({})).total).toBe(6);
    await client.library.undo();
    expect((await client.library.listClips({ filter: { trashed: true } })).total).toBe(0);

    const splits = await client.library.assignSplits({ validationPercent: 10, testPercent: 10 });
    expect(splits.train + splits.validation + splits.test).toBe(7);
    await client.library.setSplitOverride({ clipIds: [yes[1]!], split: 'test' });
    expect((await client.library.listClips({ filter: { splits: ['test'] } })).rows.map((row) => row.id)).toContain(
      yes[1],
    );

    const stats = await client.library.statistics();
    expect(stats).toMatchObject({ clips: 7, labels: 2, speakers: 4 });
    expect(stats.byLabel.map((row) => [row.label, row.train + row.validation + row.test + row.unassigned])).toEqual([
      ['no', 3],
      ['yes', 4],
    ]);
    expect(stats.durations.counts.reduce((a, b) => a + b, 0)).toBe(7);
    const report = await client.library.splitReport();
    expect(report.overrides).toBe(1);
    studio.dispose();
  });

  it('flags near-duplicates so the library can filter on them', async () => {
    const { studio, client } = await libraryWithClips();
    const extra = path.join(dir, 'near-dup', 'yes');
    fs.mkdirSync(extra, { recursive: true });
    // The same tone as a clip already imported, re-levelled: other bytes, the same sound.
    writeTestWav(path.join(extra, 'copy_nohash_0.wav'), { frequency: 200 + 3 * 300, amplitude: 0.42 });
    await client.project.importFolder({ path: path.dirname(extra) });
    const result = await client.library.flagNearDuplicates();
    expect(result.pairs).toBeGreaterThanOrEqual(1);
    const flagged = await client.library.listClips({ filter: { flags: ['near_duplicate'] } });
    expect(flagged.rows.map((row) => row.originalName)).toEqual(
      expect.arrayContaining(['copy_nohash_0.wav', 'spk0_nohash_yes.wav']),
    );
    expect((await client.library.statistics()).flags).toContainEqual({ flag: 'near_duplicate', count: flagged.total });
    studio.dispose();
  });
});
