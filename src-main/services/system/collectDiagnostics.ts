import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import Database from 'better-sqlite3';
import type { DiagnosticFact } from '../../../src-shared/model/Diagnostics.ts';
import { appVersion } from '../appVersion.ts';
import { runWorkerModule } from './runWorkerModule.ts';

const require = createRequire(import.meta.url);

interface TensorflowProbe {
  backend: string;
  native: boolean;
  tensorflowVersion: string;
  tfjsVersion: string;
  problem?: string;
  matmulOk: boolean;
  loadMs: number;
}

const FIX_NATIVE =
  'training will be ~200x slower. Install python3 with pip (the TensorFlow wheel provides libtensorflow) ' +
  'and run `npm run setup:tensorflow` in the studio folder; see docs/native-tensorflow.md.';

/** Everything `kws-studio doctor` and the Diagnostics panel report, with advice where a fact is not ok. */
export async function collectDiagnostics(home: string): Promise<DiagnosticFact[]> {
  const facts: DiagnosticFact[] = [];
  const add = (key: string, value: string, status: DiagnosticFact['status'] = 'ok', advice?: string) =>
    facts.push(advice ? { key, value, status, advice } : { key, value, status });

  add('app_version', appVersion);
  try {
    const probe = JSON.parse(
      (await runWorkerModule('tensorflowProbe', 120_000)).trim().split('\n').at(-1)!,
    ) as TensorflowProbe;
    add(
      'backend',
      probe.backend,
      probe.native ? 'ok' : 'error',
      probe.native ? undefined : `${probe.problem ?? 'native backend missing'}; ${FIX_NATIVE}`,
    );
    add('tensorflow_version', probe.tensorflowVersion, probe.native ? 'ok' : 'error');
    add('tfjs_version', probe.tfjsVersion);
    add('tensorflow_load_ms', String(probe.loadMs));
    add(
      'tensorflow_selftest',
      probe.matmulOk ? 'pass' : 'fail',
      probe.matmulOk ? 'ok' : 'error',
      probe.matmulOk ? undefined : 'a 2x2 matmul gave a wrong answer',
    );
  } catch (error) {
    add(
      'backend',
      'unavailable',
      'error',
      `TensorFlow could not be loaded (${(error as Error).message}); ${FIX_NATIVE}`,
    );
    add('tensorflow_version', 'none', 'error');
  }
  add('threads', String(os.availableParallelism()));
  add('tf_intra_op_threads', process.env.TF_NUM_INTRAOP_THREADS ?? 'auto');
  add('node_version', process.versions.node);
  const memory = new Database(':memory:');
  add('sqlite_version', memory.prepare('SELECT sqlite_version()').pluck().get() as string);
  memory.close();
  const electron = electronBinary();
  add(
    'electron_binary',
    electron ? 'yes' : 'no',
    electron ? 'ok' : 'warning',
    electron
      ? undefined
      : 'the Electron window is unavailable; `npm start` opens the studio in a browser (serve mode) instead. To get the window, run `node node_modules/electron/install.js` on a machine that can reach GitHub.',
  );
  add('platform', `${process.platform}-${process.arch}`);
  add('memory_gb', (os.totalmem() / 2 ** 30).toFixed(1));
  add('studio_home', home);
  return facts;
}

/** The path of the Electron binary when it is installed; the electron package throws when it is not. */
export function electronBinary(): string | undefined {
  if (process.versions.electron) return process.execPath;
  try {
    const binary = require('electron') as unknown;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}
