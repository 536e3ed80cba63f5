import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src-main/services/createServices.ts';
import { launchChromium, screenshotPath, watchedPage } from '../support/launchChromium.ts';
import { startServe, type RunningServe } from '../support/startServe.ts';
import { tempDir } from '../support/tempDir.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';

const dir = tempDir('kws-e2e-download-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'words');
let serve: RunningServe;
let browser: Browser;
let page: Page;
let runId: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  // A finished run, trained through the services before the studio serves the project.
  await createWordsProject(home, projectDir);
  const studio = createServices({ home });
  await studio.services.project.open({ path: projectDir });
  const base = smallSpec(2);
  const done = new Promise<string>((resolve) =>
    studio.services.training.onDidProgress((event) => {
      if (event.status !== 'running' && event.status !== 'queued') resolve(event.status);
    }),
  );
  runId = (
    await studio.services.training.startRun({
      spec: { ...base, features: { ...base.features, normalization: 'clip' } },
    })
  ).id;
  expect(await done).toBe('done');
  await studio.services.project.close();
  studio.dispose();

  serve = await startServe(['--project', projectDir], { KWS_STUDIO_HOME: home });
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1440, height: 900 }, consoleErrors);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe("a finished run's TF.js model", () => {
  it("downloads from the Train page's Ship panel as a zip of model.json, its weights and manifest.json", async () => {
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Train' }).click();
    await page.locator(`[data-run-id="${runId}"]`).click();
    await page.locator('[data-testid="run-view"][data-status="done"]').waitFor();
    const ship = page.getByTestId('ship-panel');
    await ship.getByRole('group', { name: 'Format' }).getByRole('button', { name: 'TF.js' }).click();
    // TF.js is float32 only: nothing to quantize or calibrate.
    expect(await ship.getByRole('group', { name: 'Quantization' }).count()).toBe(0);
    const button = ship.getByTestId('ship-export');
    expect(await button.textContent()).toContain('Export and download');
    await page.screenshot({ path: screenshotPath('train-download-model') });

    const downloading = page.waitForEvent('download');
    await button.click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`${runId}-tfjs.zip`);
    const zipFile = path.join(dir, download.suggestedFilename());
    await download.saveAs(zipFile);

    const tested = spawnSync('unzip', ['-t', zipFile], { encoding: 'utf8' });
    expect(tested.status, tested.stdout + tested.stderr).toBe(0);
    const extracted = path.join(dir, 'unzipped');
    expect(spawnSync('unzip', ['-q', zipFile, '-d', extracted]).status).toBe(0);
    const folder = path.join(extracted, `${runId}-tfjs`);
    const modelFolder = path.join(projectDir, 'runs', runId, 'model');
    const modelFiles = fs.readdirSync(modelFolder).sort();
    expect(fs.readdirSync(folder).sort()).toEqual([...modelFiles, 'manifest.json'].sort());
    for (const name of modelFiles) {
      expect(fs.readFileSync(path.join(folder, name)).equals(fs.readFileSync(path.join(modelFolder, name))), name).toBe(
        true,
      );
    }
    expect(JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'))).toMatchObject({
      format: 'tfjs',
      run: { id: runId },
    });
    await expect.poll(() => button.isEnabled()).toBe(true);
    expect(await ship.getByTestId('ship-saved').textContent()).toContain(`${runId}-tfjs.zip`);
    expect(await ship.getByTestId('ship-files').locator('th').allTextContents()).toEqual(
      expect.arrayContaining(['model.json', 'manifest.json']),
    );
    expect(consoleErrors).toEqual([]);
  });
});
