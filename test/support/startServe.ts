import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface RunningServe {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js');

/** Starts `kws-studio serve` as a real process and waits for the URL it prints. */
export function startServe(args: string[], env: Record<string, string>): Promise<RunningServe> {
  const child = spawn(process.execPath, [cli, 'serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print a URL within 240 s:\n${output}`)), 240_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[0],
          process: child,
          output: () => output,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}
