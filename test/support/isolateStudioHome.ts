import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * Runs before every test file (vitest `setupFiles`). A test that forgets its own KWS_STUDIO_HOME —
 * or a CLI, serve or worker process it starts without one, which inherits this environment — then
 * uses a throwaway home instead of the user's real one (recent projects, the demo project).
 */
if (!process.env.KWS_STUDIO_HOME) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kws-test-home-'));
  process.env.KWS_STUDIO_HOME = home;
  afterAll(() => {
    delete process.env.KWS_STUDIO_HOME;
    fs.rmSync(home, { recursive: true, force: true });
  });
}
