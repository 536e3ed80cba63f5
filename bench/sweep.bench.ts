import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSweepSpec } from '../src-shared/contract/sweepSpecSchema.ts';
import { startSweep } from '../src-main/services/sweeps/startSweep.ts';
import { sweepParallelism } from '../src-main/services/sweeps/LocalTrialExecutor.ts';
import { SweepScheduler } from '../src-main/services/sweeps/SweepScheduler.ts';
import { getSweep, listTrials } from '../src-main/services/sweeps/sweepStore.ts';
import { trialScores } from '../src-main/services/sweeps/trialScores.ts';
import { recordBenchmark } from './recordBenchmark.ts';
import { repoRoot } from './repoRoot.ts';
import { fsddProject } from './training.bench.ts';

const fsddDir = path.join(process.env.KWS_SHARED_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data'), 'fsdd-dev');

/**
 * `npm run bench -- sweep`: the 12-trial grid of bench/fsdd-sweep.json on FSDD, run by the studio's
 * scheduler and by a straightforward Keras + librosa script (bench/keras_librosa_sweep.py, trials one
 * after another, features recomputed per trial), in one run: wall times and best test accuracies
 * (of the trial with the best validation accuracy, on each side).
 */
export async function runSweepBench(): Promise<void> {
  if (!fs.existsSync(fsddDir)) {
    console.log(
      `skipped: ${fsddDir} is absent (the shared FSDD sample sits beside the checkout; set KWS_SHARED_DATA to point elsewhere)`,
    );
    return;
  }
  const specFile = path.join(repoRoot, 'bench', 'fsdd-sweep.json');
  const spec = parseSweepSpec(JSON.parse(fs.readFileSync(specFile, 'utf8')), 'bench/fsdd-sweep.json');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kws-bench-sweep-'));
  try {
    const project = await fsddProject(path.join(dir, 'project'));
    const parallelism = sweepParallelism();
    const started = performance.now();
    const sweepId = startSweep(project, spec);
    const scheduler = new SweepScheduler(project, sweepId, () => {});
    const status = await scheduler.run();
    await scheduler.dispose();
    const oursSeconds = (performance.now() - started) / 1000;
    if (status !== 'done') throw new Error(`our sweep ended ${status}`);
    const trials = listTrials(project.db, sweepId);
    const scores = trialScores(project.db, trials, getSweep(project.db, sweepId)!.spec.constraints);
    const ourBest = scores.reduce((best, score) => ((score.valAccuracy ?? 0) > (best.valAccuracy ?? 0) ? score : best));

    execFileSync('bash', [path.join(repoRoot, 'scripts', 'reference', 'setup-venv.sh')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const output = execFileSync(
      path.join(repoRoot, '.venv-ref', 'bin', 'python'),
      [path.join(repoRoot, 'bench', 'keras_librosa_sweep.py'), '--sweep', specFile, '--data', fsddDir],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 16 * 2 ** 20,
      },
    );
    const keras = JSON.parse(output.trim().split('\n').at(-1)!) as {
      wallSeconds: number;
      bestTestAccuracy: number;
      trials: unknown[];
    };

    const lines = [
      `grid: ${trials.length} trials (${spec.axes.map((axis) => axis.path).join(' × ')}), ${spec.base.epochs} epochs each, FSDD's own split, ${os.availableParallelism()} cores`,
      `studio: ${parallelism.slots} trials at a time, ${parallelism.threadsPerTrial} TensorFlow thread each, features through the cache; ${oursSeconds.toFixed(1)} s wall; best trial #${ourBest.trialId + 1} (validation ${((ourBest.valAccuracy ?? 0) * 100).toFixed(1)} %) test accuracy ${((ourBest.testAccuracy ?? 0) * 100).toFixed(2)} %`,
      `Keras + librosa, sequential, features recomputed per trial: ${keras.wallSeconds.toFixed(1)} s wall; best trial test accuracy ${(keras.bestTestAccuracy * 100).toFixed(2)} %`,
      `sweep_wall_vs_keras=${(oursSeconds / keras.wallSeconds).toFixed(2)}`,
      `sweep_best_acc_delta=${(((ourBest.testAccuracy ?? 0) - keras.bestTestAccuracy) * 100).toFixed(2)}`,
    ];
    for (const line of lines) console.log(line);
    recordBenchmark(
      'sweep',
      'npm run bench -- sweep',
      `A 12-trial grid (bench/fsdd-sweep.json): wall time below 1 means the studio finished sooner.\n\n${lines.map((line) => `- ${line}`).join('\n')}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
