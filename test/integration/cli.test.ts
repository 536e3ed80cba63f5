import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src-main/store/migrations/index.ts';
import { tempDir } from '../support/tempDir.ts';
import { writeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir();
const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, KWS_STUDIO_HOME: path.join(dir, 'home') },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('kws-studio CLI', () => {
  it('doctor prints key=value facts and the native backend', () => {
    const { code, stdout } = run('doctor');
    const facts = Object.fromEntries(stdout.trim().split('\n').map((line) => line.split('=', 2) as [string, string]));
    expect(facts.backend).toBe('tensorflow');
    expect(facts.tensorflow_version).toMatch(/^2\./);
    expect(Number(facts.threads)).toBeGreaterThan(0);
    expect(facts.sqlite_version).toMatch(/^3\./);
    expect(['yes', 'no']).toContain(facts.electron_binary);
    expect(code).toBe(0);
  });

  it('has help everywhere and exit codes that mean something', () => {
    for (const args of [['--help'], ['project', '--help'], ['import', '--help'], ['serve', '--help'], ['demo', '--help']]) {
      const { code, stdout } = run(...args);
      expect(code, args.join(' ')).toBe(0);
      expect(stdout).toMatch(/Usage: kws-studio/);
    }
    expect(run('no-such-command').code).toBe(2);
    expect(run('demo', '--seed', 'abc').code).toBe(2);
    const missing = run('project', 'info', path.join(dir, 'nowhere'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/is not a KWS Studio project/);
  });

  it('creates a project, imports into it and reports as JSON', () => {
    const project = path.join(dir, 'p');
    const created = run('project', 'create', project, '--name', 'My words', '--json');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'My words', clipCount: 0, schemaVersion: migrations.at(-1)!.version });
    expect(run('project', 'create', project).code).toBe(2);

    const source = path.join(dir, 'flat');
    fs.mkdirSync(source);
    writeTestWav(path.join(source, 'go_anna_1.wav'));
    writeTestWav(path.join(source, 'stop_anna_1.wav'), { frequency: 880 });
    fs.writeFileSync(path.join(source, 'broken_anna_2.wav'), 'RIFF....WAVEjunk');
    const imported = run('import', source, '--project', project, '--pattern', '{label}_{speaker}_{take}.wav', '--json');
    expect(imported.code).toBe(0);
    const report = JSON.parse(imported.stdout);
    expect(report).toMatchObject({ imported: 2, duplicates: 0, labels: ['go', 'stop'] });
    expect(report.rejected).toEqual([{ path: 'broken_anna_2.wav', reason: expect.stringMatching(/no fmt chunk/) }]);

    const info = JSON.parse(run('project', 'info', project, '--json').stdout);
    expect(info).toMatchObject({ clipCount: 2, labelCount: 2 });
    const recent = JSON.parse(run('project', 'recent', '--json').stdout);
    expect(recent[0]).toMatchObject({ path: project, exists: true });
  });

  it('extracts features for every clip through the cache and reports the hit rate', () => {
    const source = path.join(dir, 'feature-source', 'go');
    fs.mkdirSync(source, { recursive: true });
    for (let i = 0; i < 6; i++) writeTestWav(path.join(source, `clip${i}.wav`), { frequency: 300 + 90 * i, sampleRate: 8000 });
    const project = path.join(dir, 'feature-project');
    expect(run('project', 'create', project).code).toBe(0);
    expect(run('import', path.dirname(source), '--project', project).code).toBe(0);

    const first = run('features', 'extract', '--project', project, '--preset', 'edge-go-stop', '--threads', '2', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ clips: 6, computed: 6, fromCache: 0, failed: [], cache: { entries: 6, hitRate: 0 } });
    const second = run('features', 'extract', '--project', project, '--preset', 'edge-go-stop');
    expect(second.stdout).toMatch(/^from_cache=6$/m);
    expect(second.stdout).toMatch(/^hit_rate=1\.000$/m);

    const badSpec = path.join(dir, 'bad-spec.json');
    fs.writeFileSync(badSpec, JSON.stringify({ ...JSON.parse(run('features', 'presets', '--json').stdout)[0].spec, upperHz: 20000 }));
    const bad = run('features', 'extract', '--project', project, '--spec', badSpec);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/upper frequency 20000 Hz is above the Nyquist frequency/);
    expect(run('features', 'extract', '--project', project, '--preset', 'nope').stderr).toMatch(/no feature preset "nope"/);

    const cleared = run('features', 'cache', '--project', project, '--clear', '--json');
    expect(JSON.parse(cleared.stdout)).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('refuses a project written by a newer studio with exit code 4', () => {
    const project = path.join(dir, 'future');
    expect(run('project', 'create', project).code).toBe(0);
    const db = new Database(path.join(project, 'project.sqlite'));
    db.pragma('user_version = 999');
    db.close();
    const result = run('project', 'open', project);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/newer KWS Studio/);
  });
});
