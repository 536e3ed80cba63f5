import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject } from '../../src-main/services/project/createProject.ts';
import { importFolder } from '../../src-main/services/project/importFolder.ts';
import { previewImport } from '../../src-main/services/project/previewImport.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';
import { tempDir } from '../support/tempDir.ts';
import { writeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir();
const fixtures = path.resolve(import.meta.dirname, '..', 'fixtures', 'audio');

function flatFolder(
  name: string,
  files: Record<string, { frequency?: number; amplitude?: number; seconds?: number }>,
): string {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder, { recursive: true });
  for (const [file, options] of Object.entries(files)) writeTestWav(path.join(folder, file), options);
  return folder;
}

describe('import sources', () => {
  it('reads a CSV manifest with speakers and splits, and reports bad rows by line', async () => {
    const folder = flatFolder('manifest-csv', {
      'a.wav': { frequency: 300 },
      'b.wav': { frequency: 500 },
      'c.wav': { frequency: 700 },
    });
    fs.writeFileSync(
      path.join(folder, 'labels.csv'),
      'Path,Label,Speaker,Split\na.wav,yes,anna,train\nb.wav,no,,TEST\nmissing.wav,yes,,\nc.wav,go,bob,holdout\n',
    );
    const preview = previewImport(folder, { kind: 'manifest', manifest: 'labels.csv' });
    expect(preview.candidates).toBe(2);
    expect(preview.labels).toEqual([
      { label: 'no', count: 1 },
      { label: 'yes', count: 1 },
    ]);
    expect(preview.rejectedSample).toEqual([
      {
        path: 'missing.wav',
        reason: expect.stringMatching(
          /^listed in the manifest \(manifest row 4\) but not found at .*missing\.wav \(relative paths are read from the manifest's folder\)$/,
        ),
      },
      { path: 'manifest row 5', reason: expect.stringMatching(/^split: /) },
    ]);

    const project = createProject(path.join(dir, 'p-csv'));
    const report = await importFolder(project, folder, { layout: { kind: 'manifest', manifest: 'labels.csv' } });
    expect(report).toMatchObject({ imported: 2, duplicates: 0, labels: ['no', 'yes'] });
    const rows = project.db
      .prepare(
        'SELECT c.original_name AS name, l.name AS label, c.speaker, c.split, c.split_override AS pinned FROM clips c JOIN labels l ON l.id = c.label_id ORDER BY name',
      )
      .all();
    expect(rows).toEqual([
      { name: 'a.wav', label: 'yes', speaker: 'anna', split: 'train', pinned: 'train' },
      { name: 'b.wav', label: 'no', speaker: null, split: 'test', pinned: 'test' },
    ]);
    project.db.close();
  });

  it('reads a JSON manifest and treats _background_noise_ as noise material', async () => {
    const folder = flatFolder('manifest-json', {
      'x.wav': { frequency: 440 },
      'hum.wav': { frequency: 50, seconds: 2 },
    });
    fs.writeFileSync(
      path.join(folder, 'clips.json'),
      JSON.stringify([
        { path: 'x.wav', label: 'stop' },
        { path: 'hum.wav', label: '_background_noise_' },
      ]),
    );
    const project = createProject(path.join(dir, 'p-json'));
    const report = await importFolder(project, folder, { layout: { kind: 'manifest', manifest: 'clips.json' } });
    expect(report).toMatchObject({ imported: 1, noise: 1, labels: ['stop'] });
    project.db.close();
  });

  it('refuses a manifest that is not CSV or JSON, and one with no rows', () => {
    const folder = flatFolder('manifest-bad', {});
    fs.writeFileSync(path.join(folder, 'broken.json'), '[{"path": "a.wav",');
    fs.writeFileSync(path.join(folder, 'empty.csv'), 'path,label\n');
    expect(() => previewImport(folder, { kind: 'manifest', manifest: 'broken.json' })).toThrow(/not valid CSV or JSON/);
    expect(() => previewImport(folder, { kind: 'manifest', manifest: 'empty.csv' })).toThrow(/lists no files/);
    expect(() => previewImport(folder, { kind: 'manifest', manifest: 'nope.csv' })).toThrow(/does not exist/);
  });

  it('imports FLAC, MP3 and Ogg bit-exact, stored under their own format', async () => {
    const folder = path.join(dir, 'compressed', 'beep');
    fs.mkdirSync(folder, { recursive: true });
    for (const name of fs.readdirSync(fixtures).filter((file) => file.startsWith('tone440.')))
      fs.copyFileSync(path.join(fixtures, name), path.join(folder, name));
    const project = createProject(path.join(dir, 'p-compressed'));
    const report = await importFolder(project, path.dirname(folder));
    expect(report.rejected).toEqual([]);
    expect(report.imported).toBe(4);
    const rows = project.db
      .prepare('SELECT original_name AS name, ext, hash, duration_ms AS ms FROM clips ORDER BY name')
      .all() as { name: string; ext: string; hash: string; ms: number }[];
    expect(rows.map((row) => [row.name, row.ext])).toEqual([
      ['tone440.flac', 'flac'],
      ['tone440.mp3', 'mp3'],
      ['tone440.ogg', 'ogg'],
      ['tone440.opus', 'ogg'],
    ]);
    for (const row of rows) {
      expect(row.ms).toBeGreaterThan(450);
      const stored = path.join(project.layout.audio, row.hash.slice(0, 2), `${row.hash}.${row.ext}`);
      expect(fs.readFileSync(stored).equals(fs.readFileSync(path.join(folder, row.name)))).toBe(true);
    }
    project.db.close();
  });

  it('flags quality problems and stores a fingerprint for every clip on import', async () => {
    const folder = path.join(dir, 'quality', 'yes');
    fs.mkdirSync(folder, { recursive: true });
    writeTestWav(path.join(folder, 'clean.wav'), { amplitude: 0.5 });
    writeTestWav(path.join(folder, 'silent.wav'), { amplitude: 0 });
    writeTestWav(path.join(folder, 'short.wav'), { seconds: 0.05 });
    writeTestWav(path.join(folder, 'hot.wav'), { amplitude: 1.4 });
    const project = createProject(path.join(dir, 'p-quality'));
    await importFolder(project, path.dirname(folder));
    const flags = Object.fromEntries(
      (
        project.db.prepare('SELECT c.original_name AS name, c.flags FROM clips c ORDER BY name').all() as {
          name: string;
          flags: string;
        }[]
      ).map((row) => [row.name, JSON.parse(row.flags)]),
    );
    expect(flags['clean.wav']).toEqual([]);
    expect(flags['silent.wav']).toContain('silent');
    expect(flags['short.wav']).toContain('too_short');
    expect(flags['hot.wav']).toContain('clipped');
    expect(project.db.prepare('SELECT COUNT(*) FROM clips WHERE fingerprint IS NULL').pluck().get()).toBe(0);
    project.db.close();
  });

  it('cancels a running import through the service, keeping what was written and no half-written files', async () => {
    const folder = path.join(dir, 'many', 'go');
    fs.mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 700; i++)
      writeTestWav(path.join(folder, `s${i}_nohash_0.wav`), { frequency: 200 + i, seconds: 0.25 });
    const studio = createServices({ home: path.join(dir, 'home') });
    await studio.services.project.create({ path: path.join(dir, 'p-cancel') });
    const seen: TaskProgress[] = [];
    let cancelled = false;
    studio.services.project.onDidProgress((progress) => {
      seen.push(progress);
      if (!cancelled && progress.state === 'running' && progress.done >= 250) {
        cancelled = true;
        void studio.services.project.cancelTask({ taskId: progress.taskId });
      }
    });
    await expect(studio.services.project.importFolder({ path: path.dirname(folder) })).rejects.toMatchObject({
      code: 'cancelled',
    });
    expect(seen.at(-1)).toMatchObject({ state: 'cancelled', cancellable: true });
    const { db, layout } = studio.session.require();
    const count = db.prepare('SELECT COUNT(*) FROM clips').pluck().get() as number;
    expect(count).toBeGreaterThanOrEqual(250);
    expect(count).toBeLessThan(700);
    // Every row has its file and every stored file its row: nothing half-done either way.
    const stored = fs
      .readdirSync(layout.audio, { recursive: true })
      .map(String)
      .filter((name) => name.includes('.'));
    expect(stored.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(stored).toHaveLength(count);
    await expect(studio.services.project.cancelTask({ taskId: 'task-999' })).rejects.toMatchObject({
      code: 'not_found',
    });
    // Running the same import again finishes the job, adding only what is missing.
    const rest = await studio.services.project.importFolder({ path: path.dirname(folder) });
    expect(rest.imported + rest.duplicates).toBe(700);
    expect(rest.duplicates).toBe(count);
    studio.dispose();
  });
});
