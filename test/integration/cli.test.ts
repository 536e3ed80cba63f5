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

/** A project of two tones, 16 speakers each, split 50/25/25, and a tiny_conv spec that learns it in seconds. */
function smallTrainingProject(name: string, specOverrides: Record<string, unknown> = {}) {
  const source = path.join(dir, `${name}-source`);
  for (const [word, frequency] of [
    ['low', 300],
    ['high', 1800],
  ] as const) {
    fs.mkdirSync(path.join(source, word), { recursive: true });
    for (let i = 0; i < 16; i++)
      writeTestWav(path.join(source, word, `spk${i}_nohash_${word}.wav`), {
        frequency: frequency + 15 * i,
        seconds: 0.6,
      });
  }
  const project = path.join(dir, name);
  expect(run('project', 'create', project).code).toBe(0);
  expect(run('import', source, '--project', project).code).toBe(0);
  const splits = run('splits', '--project', project, '--validation', '25', '--test', '25', '--json');
  expect(JSON.parse(splits.stdout)).toMatchObject({ unassigned: 0, changed: 32 });

  const features = JSON.parse(run('features', 'presets', '--json').stdout).find(
    (preset: { id: string }) => preset.id === 'edge-go-stop',
  ).spec;
  const specFile = path.join(dir, `${name}-spec.json`);
  fs.writeFileSync(
    specFile,
    JSON.stringify({
      seed: 3,
      features,
      model: { kind: 'tiny_conv', dropout: 0.1 },
      data: {
        wantedWords: null,
        silencePercentage: 0,
        unknownPercentage: 0,
        backgroundVolume: 0,
        backgroundFrequency: 0,
        timeShiftMs: 0,
        specAugment: { timeMasks: 0, timeMaskFrames: 0, frequencyMasks: 0, frequencyMaskBins: 0 },
        speedPerturbation: null,
        balance: 'none',
      },
      optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      schedule: { kind: 'constant', rate: 0.01 },
      batchSize: 8,
      epochs: 3,
      gradientAccumulation: 1,
      l2: 0,
      labelSmoothing: 0,
      earlyStopping: null,
      pruning: null,
      ...specOverrides,
    }),
  );
  return { project, specFile };
}

function runCount(project: string): number {
  const db = new Database(path.join(project, 'project.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM runs').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('kws-studio CLI', () => {
  it('doctor prints key=value facts and the native backend', () => {
    const { code, stdout } = run('doctor');
    const facts = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    );
    expect(facts.backend).toBe('tensorflow');
    expect(facts.tensorflow_version).toMatch(/^2\./);
    expect(Number(facts.threads)).toBeGreaterThan(0);
    expect(facts.sqlite_version).toMatch(/^3\./);
    expect(['yes', 'no']).toContain(facts.electron_binary);
    expect(code).toBe(0);
  });

  it('has help everywhere and exit codes that mean something', () => {
    for (const args of [
      ['--help'],
      ['project', '--help'],
      ['import', '--help'],
      ['serve', '--help'],
      ['demo', '--help'],
      ['train', '--help'],
    ]) {
      const { code, stdout } = run(...args);
      expect(code, args.join(' ')).toBe(0);
      expect(stdout).toMatch(/Usage: kws-studio/);
    }
    expect(run('--version')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(run('no-such-command')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown command 'no-such-command'"),
    });
    expect(run('doctor', '--bogus')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown option '--bogus'"),
    });
    const missing = run('project', 'info', path.join(dir, 'nowhere'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/is not a KWS Studio project/);
  });

  it('creates a project, imports into it and reports as JSON', () => {
    const project = path.join(dir, 'p');
    const created = run('project', 'create', project, '--name', 'My words', '--json');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: 'My words',
      clipCount: 0,
      schemaVersion: migrations.at(-1)!.version,
    });
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
    for (let i = 0; i < 6; i++)
      writeTestWav(path.join(source, `clip${i}.wav`), { frequency: 300 + 90 * i, sampleRate: 8000 });
    const project = path.join(dir, 'feature-project');
    expect(run('project', 'create', project).code).toBe(0);
    expect(run('import', path.dirname(source), '--project', project).code).toBe(0);

    const first = run(
      'features',
      'extract',
      '--project',
      project,
      '--preset',
      'edge-go-stop',
      '--threads',
      '2',
      '--json',
    );
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      clips: 6,
      computed: 6,
      fromCache: 0,
      failed: [],
      cache: { entries: 6, hitRate: 0 },
    });
    const second = run('features', 'extract', '--project', project, '--preset', 'edge-go-stop');
    expect(second.stdout).toMatch(/^from_cache=6$/m);
    expect(second.stdout).toMatch(/^hit_rate=1\.000$/m);

    const badSpec = path.join(dir, 'bad-spec.json');
    fs.writeFileSync(
      badSpec,
      JSON.stringify({ ...JSON.parse(run('features', 'presets', '--json').stdout)[0].spec, upperHz: 20000 }),
    );
    const bad = run('features', 'extract', '--project', project, '--spec', badSpec);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/upper frequency 20000 Hz is above the Nyquist frequency/);
    expect(run('features', 'extract', '--project', project, '--preset', 'nope').stderr).toMatch(
      /no feature preset "nope"/,
    );

    const cleared = run('features', 'cache', '--project', project, '--clear', '--json');
    expect(JSON.parse(cleared.stdout)).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('assigns splits, trains a run with a progress line and a JSON summary, and lists it', () => {
    const { project, specFile: trainSpec } = smallTrainingProject('train-project');
    const trained = run('train', '--project', project, '--spec', trainSpec, '--json');
    expect(trained.code, trained.stderr).toBe(0);
    const summary = JSON.parse(trained.stdout);
    expect(summary).toMatchObject({
      run_id: expect.stringMatching(/^run-/),
      params: expect.any(Number),
      macs: expect.any(Number),
      size_bytes: expect.any(Number),
      gzip_bytes: expect.any(Number),
      latency_ms: expect.any(Number),
      train_samples_per_s: expect.any(Number),
    });
    expect(summary.test_accuracy).toBeGreaterThanOrEqual(0.75);
    const runs = JSON.parse(run('runs', 'list', '--project', project, '--json').stdout);
    expect(runs).toMatchObject([{ id: summary.run_id, status: 'done' }]);

    fs.writeFileSync(trainSpec, JSON.stringify({ seed: 3 }));
    const invalid = run('train', '--project', project, '--spec', trainSpec);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/is invalid: features: /);
  });

  it('refuses bad numbers and missing options before doing anything: exit 2, one message naming the option, the value and the range', () => {
    const project = path.join(dir, 'bad-input');
    expect(run('project', 'create', project).code).toBe(0);
    const demo = path.join(dir, 'never-made-demo');
    const cases: [args: string[], message: string][] = [
      ...['0', '-3', '2.5', 'abc'].map((value): [string[], string] => [
        ['train', '--project', project, '--preset', 'ds-cnn', '--epochs', value],
        `kws-studio: --epochs must be a whole number from 1 to 10000, got "${value}"`,
      ]),
      [['train', '--preset', 'ds-cnn', '--epochs', '3'], "kws-studio: required option '--project <dir>' not specified"],
      [
        ['demo', '--out', demo, '--seed', '-1'],
        'kws-studio: --seed must be a whole number from 0 to 2147483647, got "-1"',
      ],
      [
        ['demo', '--out', demo, '--clips-per-word', '0'],
        'kws-studio: --clips-per-word must be a whole number from 1 to 10000, got "0"',
      ],
      [['serve', '--port', '65536'], 'kws-studio: --port must be a whole number from 0 to 65535, got "65536"'],
      [
        ['splits', '--project', project, '--test', '101'],
        'kws-studio: --test must be a number from 0 to 100, got "101"',
      ],
      [
        ['splits', '--project', project, '--validation', '60', '--test', '40'],
        'kws-studio: --validation 60 and --test 40 add up to 100; together they must be below 100',
      ],
      [
        ['features', 'extract', '--project', project, '--threads', '0'],
        'kws-studio: --threads must be a whole number from 1 to 1024, got "0"',
      ],
      [
        ['runs', 'list', '--project', project, '--offset', '-1'],
        'kws-studio: --offset must be a whole number of at least 0, got "-1"',
      ],
      [
        ['runs', 'list', '--project', project, '--limit', 'all'],
        'kws-studio: --limit must be a whole number from 1 to 10000, got "all"',
      ],
      [
        ['worker', '--redis', 'redis://127.0.0.1:1', '--project', project, '--stall-seconds', '0.5'],
        'kws-studio: --stall-seconds must be a number from 1 to 86400, got "0.5"',
      ],
    ];
    for (const [args, message] of cases) {
      const result = run(...args);
      const what = `${args.join(' ')}\n${result.stderr}`;
      expect(result.code, what).toBe(2);
      expect(result.stderr.split(message).length - 1, what).toBe(1);
      expect(result.stdout, what).toBe('');
    }
    expect(runCount(project)).toBe(0);
    expect(fs.existsSync(demo)).toBe(false);
  });

  it('gives runs started with the same spec distinct names, and --epochs always takes effect', () => {
    const { project, specFile } = smallTrainingProject('names-project', { name: 'Tones' });
    const ids = [1, 2].map(() => {
      const trained = run('train', '--project', project, '--spec', specFile, '--epochs', '1', '--json');
      expect(trained.code, trained.stderr).toBe(0);
      expect(JSON.parse(trained.stdout)).toMatchObject({ epochs: 1 });
      return JSON.parse(trained.stdout).run_id as string;
    });
    const rows = JSON.parse(run('runs', 'list', '--project', project, '--json').stdout) as {
      id: string;
      name: string;
    }[];
    expect(Object.fromEntries(rows.map((row) => [row.id, row.name]))).toEqual({
      [ids[0]!]: 'Tones',
      [ids[1]!]: 'Tones 2',
    });
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
