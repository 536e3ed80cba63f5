import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import { parseSweepSpec } from '../../src-shared/contract/sweepSpecSchema.ts';
import type { SweepSpec } from '../../src-shared/model/SweepSpec.ts';
import { createServices, type StudioServices } from '../../src-main/services/createServices.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

// A sweep whose trials each make their int8 TFLite model (base.deploy): the trials carry its size and
// accuracy, an int8 size bound decides which meet the constraints, and an export of a trial's run
// ships the very model the sweep measured.

const dir = tempDir('kws-sweep-int8-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'words');

/** Between the two widths' int8 models (about 2.5 KB and 17 KB zlib-compressed): one fits, one does not. */
const MAX_INT8_ZLIB_KB = 5;

function int8Sweep(): SweepSpec {
  return {
    name: 'int8 widths',
    base: { ...smallSpec(2), deploy: { quantize: 'int8', io: 'int8', calibration: 20 } },
    axes: [{ path: 'model.widthMultiplier', values: [0.5, 4] }],
    strategy: { kind: 'grid' },
    constraints: {
      maxGzipKb: null,
      maxLatencyMs: null,
      minValAccuracy: null,
      maxInt8ZlibKb: MAX_INT8_ZLIB_KB,
      maxInt8LatencyMs: null,
    },
    objectives: ['val_accuracy', 'int8_zlib_kb'],
  };
}

/** The spec without base.deploy: nothing measures the int8 model. */
function withoutDeploy(spec: SweepSpec): SweepSpec {
  const base = { ...spec.base };
  delete base.deploy;
  return { ...spec, base };
}

let studio: StudioServices;
let client: ServiceTable;

beforeAll(async () => {
  await createWordsProject(home, projectDir);
  studio = createServices({ home });
  const dispatcher = createDispatcher(studio.services);
  // Through the dispatcher, as every transport calls: inputs are checked against the schemas.
  client = createClient({
    invoke: (channel, input) => dispatcher.call(channel, input),
    subscribe: dispatcher.subscribe,
  });
  await client.project.open({ path: projectDir });
}, 120_000);

afterAll(() => studio?.dispose());

describe('int8 sweep specs', () => {
  it('refuse int8 constraints and objectives without base.deploy, naming each', async () => {
    const need = 'the int8 TFLite model of every trial: set base.deploy';
    expect(() => parseSweepSpec(withoutDeploy(int8Sweep()))).toThrow(`maxInt8ZlibKb, int8_zlib_kb need ${need}`);
    const plain = withoutDeploy(int8Sweep());
    const noInt8Constraints = { ...plain.constraints, maxInt8ZlibKb: null };
    expect(() =>
      parseSweepSpec({ ...plain, constraints: noInt8Constraints, objectives: ['val_accuracy', 'int8_accuracy'] }),
    ).toThrow(`int8_accuracy needs ${need}`);
    expect(() =>
      parseSweepSpec({
        ...plain,
        constraints: { ...noInt8Constraints, maxInt8LatencyMs: 5 },
        objectives: ['val_accuracy', 'int8_latency_ms'],
      }),
    ).toThrow(`maxInt8LatencyMs, int8_latency_ms need ${need}`);
    // Without int8 constraints or objectives, no deploy is needed; with base.deploy, all are accepted.
    expect(parseSweepSpec({ ...plain, constraints: noInt8Constraints, objectives: ['val_accuracy'] }).base.deploy).toBe(
      undefined,
    );
    expect(parseSweepSpec(int8Sweep()).base.deploy).toEqual({ quantize: 'int8', io: 'int8', calibration: 20 });

    // The service says the same, before any trial is queued.
    const checked = await client.sweeps.check({ spec: plain });
    expect(checked.problems.join('\n')).toContain(`maxInt8ZlibKb, int8_zlib_kb need ${need}`);
    const refused = await client.sweeps.startSweep({ spec: plain }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(StudioError);
    expect((refused as StudioError).message).toContain(`maxInt8ZlibKb, int8_zlib_kb need ${need}`);
    expect(await client.sweeps.listSweeps()).toEqual([]);
  });
});

describe('an int8 sweep', () => {
  it("measures each trial's int8 model, bounds the trials by its zlib size, and ships what it measured", async () => {
    const spec = int8Sweep();
    expect((await client.sweeps.check({ spec })).problems).toEqual([]);
    const ended = new Promise<void>((resolve) => {
      const off = client.sweeps.onDidProgress((event) => {
        if (event.status !== 'running') {
          off();
          resolve();
        }
      });
    });
    const sweep = await client.sweeps.startSweep({ spec });
    await ended;
    const detail = await client.sweeps.getSweep({ sweepId: sweep.id });
    expect(detail).toMatchObject({ status: 'done', total: 2, done: 2, failed: 0 });
    expect(detail.trials).toHaveLength(2);

    const byWidth = new Map(detail.trials.map((trial) => [trial.overrides['model.widthMultiplier'], trial]));
    const narrow = byWidth.get(0.5)!;
    const wide = byWidth.get(4)!;
    console.log(
      `int8 zlib: width 0.5 ${narrow.int8ZlibKb?.toFixed(2)} KB (accuracy ${narrow.int8Accuracy}), width 4 ${wide.int8ZlibKb?.toFixed(2)} KB (accuracy ${wide.int8Accuracy}); bound ${MAX_INT8_ZLIB_KB} KB`,
    );
    for (const trial of [narrow, wide]) {
      expect(trial.int8ZlibKb).toBeGreaterThan(0);
      expect(trial.int8Accuracy).toBeGreaterThanOrEqual(0);
      expect(trial.int8Accuracy).toBeLessThanOrEqual(1);
      // Timed only with a TensorFlow Lite interpreter configured (KWS_STUDIO_TFLITE_PYTHON).
      if (!process.env.KWS_STUDIO_TFLITE_PYTHON) expect(trial.int8LatencyMs).toBeNull();
      expect(trial.meetsConstraints).toBe(trial.int8ZlibKb! <= MAX_INT8_ZLIB_KB);

      // The trial's figures are its run's summary.deploy, and the run table's stats.tflite_int8_*.
      const run = await client.runs.getRun({ runId: trial.runId! });
      const deploy = run.summary!.deploy!;
      expect(deploy).toMatchObject({ io: 'int8', accuracy: trial.int8Accuracy });
      expect(deploy.zlibBytes / 1024).toBe(trial.int8ZlibKb);
      expect(deploy.calibrationInputs).toBeGreaterThan(0);
      expect(deploy.calibrationInputs).toBeLessThanOrEqual(20);
      expect(deploy.zlibBytes).toBeLessThan(deploy.rawBytes);
      const page = await client.runs.queryRuns({
        conditions: [],
        sort: [],
        scope: 'active',
        sweepId: sweep.id,
        offset: 0,
        limit: 10,
      });
      expect(page.rows.find((row) => row.id === run.id)!.values['stats.tflite_int8_zlib_kb']).toBe(trial.int8ZlibKb);
    }
    // One width fits the bound and one does not; only a trial within it can be on the front.
    expect(narrow.meetsConstraints).toBe(true);
    expect(wide.meetsConstraints).toBe(false);
    expect(wide.pareto).toBe(false);
    expect(narrow.pareto).toBe(true);

    // Exporting the narrow trial's run with the sweep's deploy options writes the model the sweep measured.
    const before = (await client.runs.getRun({ runId: narrow.runId! })).summary!.deploy!;
    const exported = await client.export.exportRun({
      runId: narrow.runId!,
      format: 'tflite',
      quantize: 'int8',
      io: 'int8',
      calibration: 20,
      directory: path.join(dir, 'narrow'),
    });
    const report = exported.report!;
    expect(report.sizes).toEqual({ rawBytes: before.rawBytes, zlibBytes: before.zlibBytes, zipBytes: before.zipBytes });
    expect(report.modelAccuracy).toBe(before.accuracy);
    expect(report.agreement).toBe(before.agreement);
    expect(fs.statSync(path.join(dir, 'narrow', 'model_int8.tflite')).size).toBe(before.rawBytes);
  }, 600_000);
});
