import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../src-main/services/createServices.ts';
import { refreshDurationFlags } from '../../src-main/services/library/refreshDurationFlags.ts';
import { tempDir } from '../support/tempDir.ts';
import { writeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir();

describe('duration flags', () => {
  it('are brought to the current bounds when a project flagged by an older studio opens, with no re-analysis', async () => {
    const source = path.join(dir, 'source', 'yes');
    fs.mkdirSync(source, { recursive: true });
    const lengths = { 'word.wav': 0.4, 'blip.wav': 0.05, 'ramble.wav': 1.6, 'full.wav': 1 };
    let frequency = 300;
    for (const [name, seconds] of Object.entries(lengths))
      writeTestWav(path.join(source, name), { seconds, frequency: (frequency += 70) });
    const projectDir = path.join(dir, 'project');
    const studio = createServices({ home: path.join(dir, 'home') });
    const { project } = studio.services;
    await project.create({ path: projectDir });
    await project.importFolder({ path: path.dirname(source) });
    const flagsByName = () =>
      Object.fromEntries(
        (
          studio.session
            .require()
            .db.prepare("SELECT original_name AS name, flags FROM clips WHERE kind = 'sample'")
            .all() as { name: string; flags: string }[]
        ).map((row) => [row.name, JSON.parse(row.flags) as string[]]),
      );
    // A 400 ms word is a normal keyword clip (padded to 1 s), not too short.
    expect(flagsByName()).toEqual({
      'word.wav': [],
      'blip.wav': ['too_short'],
      'ramble.wav': ['too_long'],
      'full.wav': [],
    });

    // What an older studio left: the word flagged too short (it used half the clip length), the blip not.
    const db = studio.session.require().db;
    const idOf = (name: string) =>
      db.prepare('SELECT id FROM clips WHERE original_name = ?').pluck().get(name) as number;
    db.prepare("INSERT INTO clip_flags (flag, clip_id, value) VALUES ('too_short', ?, 400)").run(idOf('word.wav'));
    db.prepare("DELETE FROM clip_flags WHERE flag = 'too_short' AND clip_id = ?").run(idOf('blip.wav'));
    expect(flagsByName()['word.wav']).toEqual(['too_short']);
    await project.close();

    await project.open({ path: projectDir });
    expect(flagsByName()).toEqual({
      'word.wav': [],
      'blip.wav': ['too_short'],
      'ramble.wav': ['too_long'],
      'full.wav': [],
    });
    const reopened = studio.session.require().db;
    expect(reopened.prepare("SELECT value FROM clip_flags WHERE flag = 'too_short'").pluck().all()).toEqual([
      expect.closeTo(50, 6),
    ]);
    expect((await studio.services.library.flagCounts()).find((count) => count.flag === 'too_short')?.count).toBe(1);
    // Up to date, it changes nothing.
    expect(refreshDurationFlags(reopened, 1000)).toBe(0);
    await project.close();
    studio.dispose();
  });
});
