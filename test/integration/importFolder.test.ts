import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsddPattern } from '../../src-shared/model/fileNamePattern.ts';
import { createProject } from '../../src-main/services/project/createProject.ts';
import { importFolder } from '../../src-main/services/project/importFolder.ts';
import { fsddDir, fsddMissing, hasFsdd } from '../support/sharedData.ts';
import { tempDir } from '../support/tempDir.ts';
import { writeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir();
const digest = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('importing a folder', () => {
  it.skipIf(!hasFsdd)(
    `imports ../shared/data/fsdd-dev with the file-name pattern, and again adds nothing (${hasFsdd ? 'present' : fsddMissing})`,
    async () => {
      const project = createProject(path.join(dir, 'fsdd'));
      const first = await importFolder(project, fsddDir, { layout: { kind: 'pattern', pattern: fsddPattern } });
      expect(first.imported).toBe(2000);
      expect(first.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      expect(first.rejected).toEqual([
        { path: 'README.md', reason: expect.stringMatching(/^not an audio file \(\.md\)/) },
      ]);
      const counts = project.db
        .prepare(
          'SELECT l.name, COUNT(*) AS n, COUNT(DISTINCT c.speaker) AS speakers FROM clips c JOIN labels l ON l.id = c.label_id GROUP BY l.name',
        )
        .all();
      expect(counts).toHaveLength(10);
      expect(
        counts.every((row) => (row as { n: number }).n === 200 && (row as { speakers: number }).speakers === 4),
      ).toBe(true);
      // Tightly trimmed real digits (0.14–1.3 s) are keyword clips, not fragments: none is too short (half the clip length flagged 63 %).
      expect(project.db.prepare("SELECT COUNT(*) FROM clip_flags WHERE flag = 'too_short'").pluck().get()).toBe(0);
      // Takes sort as people count them.
      const georgeZeros = project.db
        .prepare(
          "SELECT original_name FROM clips WHERE original_name LIKE '0\\_george\\_%' ESCAPE '\\' ORDER BY name_key LIMIT 12",
        )
        .pluck()
        .all();
      expect(georgeZeros.slice(9)).toEqual(['0_george_9.wav', '0_george_10.wav', '0_george_11.wav']);

      const second = await importFolder(project, fsddDir, { layout: { kind: 'pattern', pattern: fsddPattern } });
      expect(second.imported).toBe(0);
      expect(second.duplicates).toBe(2000);
      expect(project.db.prepare('SELECT COUNT(*) FROM clips').pluck().get()).toBe(2000);

      // Copies are bit-exact and content-addressed.
      const row = project.db
        .prepare("SELECT hash, source_path FROM clips WHERE original_name = '3_lucas_7.wav'")
        .get() as { hash: string; source_path: string };
      const copy = path.join(project.layout.audio, row.hash.slice(0, 2), `${row.hash}.wav`);
      expect(digest(copy)).toBe(row.hash);
      expect(digest(row.source_path)).toBe(row.hash);
      project.db.close();
    },
  );

  it('reports broken and odd files one by one and leaves the catalog consistent', async () => {
    const source = path.join(dir, 'odd');
    const yes = path.join(source, 'yes');
    fs.mkdirSync(yes, { recursive: true });
    fs.mkdirSync(path.join(source, '_background_noise_'));
    const good = writeTestWav(path.join(yes, 'a_nohash_0.wav'));
    fs.writeFileSync(path.join(yes, 'copy_nohash_0.wav'), good);
    fs.writeFileSync(path.join(yes, 'truncated.wav'), good.subarray(0, 1000));
    fs.writeFileSync(path.join(yes, 'empty.wav'), Buffer.alloc(0));
    fs.writeFileSync(path.join(yes, 'text.wav'), 'hello, I am not audio at all, but I am long enough to have a header');
    const noData = Buffer.from(good.subarray(0, 44));
    noData.writeUInt32LE(0, 40);
    fs.writeFileSync(path.join(yes, 'zero-samples.wav'), noData);
    const absurd = Buffer.from(good);
    absurd.writeUInt32LE(4_000_000, 24);
    fs.writeFileSync(path.join(yes, 'absurd-rate.wav'), absurd);
    writeTestWav(path.join(source, '_background_noise_', 'hum.wav'), { seconds: 2, frequency: 50 });
    fs.writeFileSync(path.join(source, 'notes.txt'), 'not audio');
    const before = Object.fromEntries(fs.readdirSync(yes).map((name) => [name, digest(path.join(yes, name))]));

    const project = createProject(path.join(dir, 'odd-project'));
    const report = await importFolder(project, source);
    expect(report.imported).toBe(1);
    expect(report.duplicates).toBe(1);
    expect(report.noise).toBe(1);
    const reasons = Object.fromEntries(report.rejected.map((item) => [item.path, item.reason]));
    expect(reasons).toEqual({
      'notes.txt': expect.stringMatching(/^not an audio file \(\.txt\)/),
      'yes/absurd-rate.wav': expect.stringMatching(/implausible sample rate 4000000 Hz/),
      'yes/empty.wav': expect.stringMatching(/empty file \(0 bytes\)/),
      'yes/text.wav': expect.stringMatching(/not an audio file .*look like text/),
      'yes/truncated.wav': expect.stringMatching(/truncated/),
      'yes/zero-samples.wav': expect.stringMatching(/no audio samples/),
    });
    const rows = project.db.prepare('SELECT kind, hash FROM clips ORDER BY kind').all() as {
      kind: string;
      hash: string;
    }[];
    expect(rows.map((row) => row.kind)).toEqual(['noise', 'sample']);
    // One stored file per accepted clip, no temporary leftovers, and the originals untouched.
    const stored = fs
      .readdirSync(project.layout.audio, { recursive: true })
      .filter((name) => String(name).endsWith('.wav') || String(name).endsWith('.tmp'));
    expect(stored).toHaveLength(2);
    expect(Object.fromEntries(fs.readdirSync(yes).map((name) => [name, digest(path.join(yes, name))]))).toEqual(before);
    expect(project.db.prepare('SELECT COUNT(*) FROM label_history').pluck().get()).toBe(1);
    project.db.close();
  });

  it('explains a missing folder and a bad pattern', async () => {
    const project = createProject(path.join(dir, 'errors'));
    await expect(importFolder(project, path.join(dir, 'missing'))).rejects.toThrow(/does not exist/);
    await expect(importFolder(project, dir, { layout: { kind: 'pattern', pattern: '{word}.wav' } })).rejects.toThrow(
      /unknown field \{word\}/,
    );
    project.db.close();
  });
});
