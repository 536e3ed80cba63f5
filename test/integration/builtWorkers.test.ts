import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const outMain = path.resolve(import.meta.dirname, '..', '..', 'out', 'main');
const built = fs.existsSync(path.join(outMain, 'trainingWorker.js'));

// Tests run the sources; the app runs the bundle, whose chunks sit one folder deeper. This catches
// a worker that only loads from source (it once read ../../package.json from a chunk).
describe.skipIf(!built)(`the built training worker${built ? '' : ' (skipped: run npm run build first)'}`, () => {
  it('loads from out/main and answers a start message with a reason, not a crash', async () => {
    const child = fork(path.join(outMain, 'trainingWorker.js'), [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const reply = new Promise<unknown>((resolve) => child.once('message', resolve));
    child.send({
      type: 'start',
      projectPath: path.join(outMain, 'no-such-project'),
      runId: 'run-smoke',
      resume: false,
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const first = await Promise.race([reply, exit.then((code) => ({ exitedWith: code }))]);
    expect(first, stderr).toMatchObject({ type: 'failed', message: expect.stringMatching(/no-such-project/) });
    expect(await exit).toBe(0);
  }, 60_000);
});
