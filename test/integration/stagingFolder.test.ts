import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStagingFolder } from '../../src-main/services/export/stagingFolder.ts';
import { tempDir } from '../support/tempDir.ts';

const parent = tempDir('kws-staging-');

describe('export staging folders', () => {
  it("remove what a killed export left, and keep live exports' and other files", () => {
    // A pid that surely ran and ended: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const abandoned = path.join(parent, `.kws-export-${dead}-abc123`);
    fs.mkdirSync(abandoned);
    fs.writeFileSync(path.join(abandoned, 'model_int8.tflite'), 'half');
    const live = path.join(parent, `.kws-export-${process.ppid}-live00`);
    fs.mkdirSync(live);
    const older = path.join(parent, '.kws-export-oldstyle');
    fs.mkdirSync(older);
    fs.writeFileSync(path.join(parent, 'notes.txt'), 'mine');

    const staging = createStagingFolder(parent);

    expect(path.basename(staging)).toMatch(new RegExp(`^\\.kws-export-${process.pid}-`));
    expect(fs.existsSync(abandoned)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(older)).toBe(true);
    expect(fs.readFileSync(path.join(parent, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
