import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const fromSource = here.endsWith('.ts');
/** True when running TypeScript sources under tsx or vitest rather than the built bundle. */
export const workerFromSource = fromSource;

/**
 * The file of a worker entry: `src-main/workers/<name>.ts` when running from source (under tsx),
 * `out/main/<name>.js` when running the built bundle (this module may sit in `out/main/chunks`).
 */
export function workerEntryPath(name: string): string {
  if (fromSource) return path.join(path.dirname(here), '..', '..', 'workers', `${name}.ts`);
  const beside = path.join(path.dirname(here), `${name}.js`);
  return fs.existsSync(beside) ? beside : path.join(path.dirname(here), '..', `${name}.js`);
}

/** Starts a worker entry in its own Node process with an IPC channel that can carry typed arrays. */
export function forkWorkerModule(
  name: string,
  options: { timeoutMs?: number; silent?: boolean; env?: Record<string, string> } = {},
): ChildProcess {
  return fork(workerEntryPath(name), [], {
    // An absolute URL, so the child finds tsx whatever its working directory.
    execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : [],
    stdio: options.silent ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    env: {
      ...process.env,
      ELECTRON_RUN_AS_NODE: '1',
      TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2',
      ...options.env,
    },
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });
}

/** Runs a worker entry to completion and returns its stdout; rejects on failure or time-out. */
export function runWorkerModule(name: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = forkWorkerModule(name, { timeoutMs, silent: true });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(new Error(`${name} exited with ${signal ?? code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}
