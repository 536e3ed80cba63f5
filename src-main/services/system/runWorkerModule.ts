import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const fromSource = here.endsWith('.ts');

/**
 * The file of a worker entry: `src-main/workers/<name>.ts` when running from source (under tsx),
 * `out/main/<name>.js` when running the built bundle.
 */
export function workerEntryPath(name: string): string {
  return fromSource ? path.join(path.dirname(here), '..', '..', 'workers', `${name}.ts`) : path.join(path.dirname(here), `${name}.js`);
}

/** Runs a worker entry in a child Node process and returns its stdout; rejects on failure or time-out. */
export function runWorkerModule(name: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = fork(workerEntryPath(name), [], {
      // An absolute URL, so the child finds tsx whatever its working directory.
      execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${name} exited with ${signal ?? code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}
