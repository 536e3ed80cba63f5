import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { studioHome } from '../../src-main/services/appPaths.ts';

describe('the studio home under test', () => {
  it("is set for every test file and is not the user's real one (test/support/isolateStudioHome.ts)", () => {
    const realHome = path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'kws-studio');
    expect(process.env.KWS_STUDIO_HOME).toBeTruthy();
    expect(studioHome()).not.toBe(realHome);
  });
});
