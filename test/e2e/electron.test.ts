import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { electronBinary } from '../../src-main/services/system/collectDiagnostics.ts';
import { screenshotPath } from '../support/launchChromium.ts';
import { tempDir } from '../support/tempDir.ts';

const binary = electronBinary();
const why =
  'skipped: no Electron binary is installed (its download from GitHub is not reachable on this machine); ' +
  'the same UI and services are tested in Chromium through serve mode';
if (!binary) console.log(`electron e2e ${why}`);

describe('the studio in Electron', () => {
  it.skipIf(!binary)(binary ? 'opens the window with the sandboxed preload bridge' : why, async () => {
    const root = path.resolve(import.meta.dirname, '..', '..');
    const app = await electron.launch({
      executablePath: binary,
      args: [root],
      env: { ...process.env, KWS_STUDIO_HOME: path.join(tempDir('kws-electron-'), 'home') },
    });
    try {
      const window = await app.firstWindow();
      await window.getByRole('heading', { name: 'Welcome to KWS Studio' }).waitFor();
      // The page gets the bridge and nothing from Node.
      expect(await window.evaluate(() => typeof (window as unknown as { kwsBridge?: unknown }).kwsBridge)).toBe(
        'object',
      );
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      await window.screenshot({ path: screenshotPath('electron-welcome') });
    } finally {
      await app.close();
    }
  });
});
