import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../src-main/services/createServices.ts';
import { tempDir } from '../support/tempDir.ts';
import { writeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir();

describe('the library sorts file names naturally', () => {
  it('lists take_2 before take_10, by name and as the tie-break of other sorts, through the name index', async () => {
    const source = path.join(dir, 'source');
    const files = { yes: ['take_10.wav', 'take_2.wav', 'Take_3.wav', 'take_1.wav'], no: ['take_11.wav', 'take_9.wav'] };
    let frequency = 200;
    for (const [label, names] of Object.entries(files)) {
      fs.mkdirSync(path.join(source, label), { recursive: true });
      for (const name of names) writeTestWav(path.join(source, label, name), { frequency: (frequency += 60) });
    }
    const studio = createServices({ home: path.join(dir, 'home') });
    const { library, project } = studio.services;
    await project.create({ path: path.join(dir, 'project') });
    await project.importFolder({ path: source });
    const names = async (sort: Parameters<typeof library.listClips>[0]['sort']) =>
      (await library.listClips({ sort })).rows.map((row) => `${row.label}/${row.originalName}`);

    expect(await names({ key: 'name', direction: 'asc' })).toEqual([
      'yes/take_1.wav',
      'yes/take_2.wav',
      'yes/Take_3.wav',
      'no/take_9.wav',
      'yes/take_10.wav',
      'no/take_11.wav',
    ]);
    expect(await names({ key: 'name', direction: 'desc' })).toEqual([
      'no/take_11.wav',
      'yes/take_10.wav',
      'no/take_9.wav',
      'yes/Take_3.wav',
      'yes/take_2.wav',
      'yes/take_1.wav',
    ]);
    // Within a label, clips follow their names the same way.
    expect(await names({ key: 'label', direction: 'asc' })).toEqual([
      'no/take_9.wav',
      'no/take_11.wav',
      'yes/take_1.wav',
      'yes/take_2.wav',
      'yes/Take_3.wav',
      'yes/take_10.wav',
    ]);

    await project.close();
    studio.dispose();
  });
});
