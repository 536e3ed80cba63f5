import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { ExportResult } from '../src-shared/model/ExportBundle.ts';
import type { SweepTrial } from '../src-shared/model/Sweep.ts';
import { readTfjsGraph } from '../src-main/services/optimize/graph/readTfjsGraph.ts';
import { readNpy } from '../test/support/npy.ts';
import { convertWithTensorflow } from '../test/support/tfliteReference.ts';
import { recordBenchmark } from './recordBenchmark.ts';
import { repoRoot } from './repoRoot.ts';

/** The published Go/Stop DS-CNN result the issue holds us to. */
const PUBLISHED = { accuracy: 0.975, zlibKb: 23.7, latencyMs: 5.8 };
const PRESET = 'edge-go-stop-int8';
const python = process.env.KWS_REF_PYTHON ?? path.join(repoRoot, '.venv-ref', 'bin', 'python');
const checker = path.resolve(repoRoot, '..', 'shared', 'tools', 'check_tflite.py');

/**
 * `npm run bench -- ship`: the edge Go/Stop preset end to end, through the CLI as a user runs it —
 * a fresh demo project, `kws-studio sweep --preset edge-go-stop-int8` (every trial makes and measures
 * its int8 TFLite model), the best trial that meets the preset's bounds exported as int8 with float
 * I/O, checked by TensorFlow's interpreter with the shared check_tflite.py. The peer, measured in the
 * same run: TensorFlow 2.21's own converter quantizing the same trained graph on the same calibration
 * clips. The published 97.5 % / 23.7 KB / 5.8 ms are the yardstick.
 */
export async function runShipBench(): Promise<void> {
  if (!fs.existsSync(python)) {
    console.log(`ship bench skipped: ${python} is absent; create it with bash scripts/reference/setup-venv.sh`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kws-bench-ship-'));
  const env = {
    ...process.env,
    KWS_STUDIO_HOME: path.join(dir, 'home'),
    KWS_STUDIO_TFLITE_PYTHON: python,
    TF_CPP_MIN_LOG_LEVEL: '2',
  };
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'kws-studio.js'), ...args], {
      encoding: 'utf8',
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 2 ** 20,
    });
  try {
    const project = path.join(dir, 'demo');
    cli('demo', '--out', project, '--seed', '1', '--json');
    const started = performance.now();
    const sweep = JSON.parse(cli('sweep', '--project', project, '--preset', PRESET, '--json')) as {
      leaderboard: SweepTrial[];
    };
    const sweepSeconds = (performance.now() - started) / 1000;
    const eligible = sweep.leaderboard.filter((trial) => trial.meetsConstraints && trial.int8Accuracy !== null);
    if (eligible.length === 0) throw new Error(`no trial of ${PRESET} met its bounds`);
    const best = eligible.sort((a, b) => b.int8Accuracy! - a.int8Accuracy! || a.int8ZlibKb! - b.int8ZlibKb!)[0]!;
    const runId = best.runId!;

    const bundle = path.join(dir, 'bundle');
    const exported = JSON.parse(
      cli(
        'export',
        runId,
        '--project',
        project,
        '--format',
        'tflite',
        '--quantize',
        'int8',
        '--io',
        'float32',
        '--out',
        bundle,
        '--json',
      ),
    ) as ExportResult;
    const report = exported.report!;
    const modelFile = path.join(bundle, report.modelFile);
    const features = path.join(dir, 'features');
    cli('features', 'export', '--project', project, '--run', runId, '--split', 'test', '--out', features);
    const ours = checkTflite(modelFile, features);

    // The peer: TF's converter on the same graph and the same calibration clips.
    const calibrationDir = path.join(dir, 'calibration');
    cli(
      'features',
      'export',
      '--project',
      project,
      '--run',
      runId,
      '--split',
      'train',
      '--limit',
      String(report.calibrationInputs),
      '--out',
      calibrationDir,
    );
    const calibration = readNpy(path.join(calibrationDir, 'features.npy'));
    const [count, frames, bins] = calibration.shape as [number, number, number];
    const data = calibration.data as Float32Array;
    const inputs = Array.from({ length: count }, (_, i) => data.subarray(i * frames * bins, (i + 1) * frames * bins));
    const graph = readTfjsGraph(path.join(project, 'runs', runId, 'model', 'model.json'));
    const converted = convertWithTensorflow(dir, 'peer', graph, inputs, [frames, bins, 1], 'float32');
    const peerFile = path.join(dir, 'peer.tflite');
    fs.writeFileSync(peerFile, converted.model);
    const peer = checkTflite(peerFile, features);
    const peerLatency = timeTflite(peerFile);
    const zlibKb = (file: string) => zlib.deflateSync(fs.readFileSync(file), { level: 9 }).length / 1024;
    const pythonZlibKb = (file: string) =>
      Number(
        execFileSync(
          python,
          ['-c', `import zlib,sys; print(len(zlib.compress(open(sys.argv[1],'rb').read(), 9)))`, file],
          { encoding: 'utf8' },
        ),
      ) / 1024;

    const latency = report.interpreterLatencyMs!;
    const lines = [
      `machine: ${os.availableParallelism()} cores; demo project seed 1; ${sweep.leaderboard.length} trials of ${PRESET} in ${sweepSeconds.toFixed(0)} s (kws-studio sweep --preset ${PRESET})`,
      `best trial meeting the bounds (< 25 KB zlib int8, < 8 ms features + model): ${Object.entries(best.overrides)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(', ')} (${runId})`,
      `ours, int8 float-I/O TFLite: test accuracy ${(100 * ours.accuracy).toFixed(2)} % by TensorFlow's interpreter (check_tflite.py) on ${ours.n} test clips, studio's int8 engine ${(100 * report.modelAccuracy).toFixed(2)} %, float ${(100 * report.floatAccuracy).toFixed(2)} %, int8/float agreement ${(100 * report.agreement).toFixed(2)} %`,
      `ours: ${report.sizes.rawBytes} B raw, ${(report.sizes.zlibBytes / 1024).toFixed(2)} KB zlib-9 (Node), ${pythonZlibKb(modelFile).toFixed(2)} KB zlib-9 (Python, the published measure), ${(report.sizes.zipBytes / 1024).toFixed(2)} KB zip; interpreter ${latency.default.toFixed(3)} ms (default kernels), ${latency.reference.toFixed(3)} ms (reference kernels), front end ${report.frontEndMs.toFixed(2)} ms; arena estimate ${report.arenaBytes} B`,
      `peer, TensorFlow 2.21's converter on the same graph and ${count} calibration clips: test accuracy ${(100 * peer.accuracy).toFixed(2)} %, ${fs.statSync(peerFile).size} B raw, ${pythonZlibKb(peerFile).toFixed(2)} KB zlib-9 (Python), interpreter ${peerLatency.default.toFixed(3)} ms / ${peerLatency.reference.toFixed(3)} ms`,
      `published Go/Stop DS-CNN: ${PUBLISHED.accuracy * 100} %, ${PUBLISHED.zlibKb} KB, ${PUBLISHED.latencyMs} ms (on its own task and machine; ours is the demo's synthetic go/stop words)`,
      `ship_int8_acc_minus_published_pp=${((ours.accuracy - PUBLISHED.accuracy) * 100).toFixed(2)}`,
      `ship_zlib_vs_published=${(pythonZlibKb(modelFile) / PUBLISHED.zlibKb).toFixed(2)}`,
      `ship_latency_vs_published=${((latency.default + report.frontEndMs) / PUBLISHED.latencyMs).toFixed(3)} (interpreter + front end)`,
      `ship_zlib_vs_tf_converter=${(zlibKb(modelFile) / zlibKb(peerFile)).toFixed(3)}`,
      `ship_latency_vs_tf_converter=${(latency.default / peerLatency.default).toFixed(2)} (default kernels), ${(latency.reference / peerLatency.reference).toFixed(2)} (reference)`,
      `ship_acc_minus_tf_converter_pp=${((ours.accuracy - peer.accuracy) * 100).toFixed(2)}`,
    ];
    for (const line of lines) console.log(line);
    recordBenchmark(
      'ship',
      'npm run bench -- ship',
      `The edge Go/Stop preset end to end through the CLI: sweep with int8 TFLite per trial, export the best trial, check it with TensorFlow's interpreter (the shared check_tflite.py). Peer in the same run: TensorFlow 2.21's own TFLite converter quantizing the same trained graph on the same calibration clips. Ratios below 1 for size and latency favour ours.\n\n${lines.map((line) => `- ${line}`).join('\n')}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  function checkTflite(model: string, features: string): { accuracy: number; n: number } {
    const out = execFileSync(python, [checker, model, features], {
      encoding: 'utf8',
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    });
    const fields = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .at(-1)!
        .split(' ')
        .map((pair) => pair.split('=') as [string, string]),
    );
    return { accuracy: Number(fields.interp_acc) / 100, n: Number(fields.n) };
  }

  function timeTflite(model: string): { default: number; reference: number } {
    const out = execFileSync(python, [path.join(repoRoot, 'resources', 'tflite', 'time_tflite.py'), model], {
      encoding: 'utf8',
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as { default_ms: number; reference_ms: number };
    return { default: result.default_ms, reference: result.reference_ms };
  }
}
