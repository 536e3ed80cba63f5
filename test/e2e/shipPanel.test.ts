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

const dir = tempDir('kws-e2e-ship-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'words');
let serve: RunningServe;
let browser: Browser;
let page: Page;
let runId: string;
let otherRunId: string;
/** What the first test's report said, for Compare to show the same. */
const shipped = { zlibBytes: 0, accuracy: '' };
const consoleErrors: string[] = [];

beforeAll(async () => {
  // Two finished runs, trained through the services before the studio serves the project.
  await createWordsProject(home, projectDir);
  const studio = createServices({ home });
  await studio.services.project.open({ path: projectDir });
  const waiting = new Map<string, (status: string) => void>();
  const finished = new Map<string, string>();
  studio.services.training.onDidProgress((event) => {
    if (event.status === 'running' || event.status === 'queued') return;
    finished.set(event.runId, event.status);
    waiting.get(event.runId)?.(event.status);
  });
  const trained = async (seed: number) => {
    const id = (await studio.services.training.startRun({ spec: { ...smallSpec(2), seed } })).id;
    const status = finished.get(id) ?? (await new Promise<string>((resolve) => waiting.set(id, resolve)));
    expect(status).toBe('done');
    return id;
  };
  runId = await trained(7);
  otherRunId = await trained(8);
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

/** A report row's value cell, by the row's key. */
const value = (key: string) => page.getByTestId('ship-report').locator(`tr[data-key="${key}"] td.value`);
const note = (key: string) => page.getByTestId('ship-report').locator(`tr[data-key="${key}"] td.note`);

describe('the Ship panel', () => {
  it('exports a finished run from the Runs page as int8 TFLite: progress, the report, and a zip download', async () => {
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    const row = page.getByTestId('run-table').locator(`.row[data-run-id="${runId}"]`);
    await row.locator('.cell').nth(2).click();
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('run-detail');
    await detail.waitFor();
    const ship = detail.getByTestId('ship-panel');
    await ship.waitFor();

    // The defaults: TFLite, int8, float32 I/O (what a script feeding float features expects), 300 inputs.
    const pressed = (group: string) =>
      ship.getByRole('group', { name: group }).locator('button[aria-pressed="true"]').textContent();
    expect(await pressed('Format')).toBe('TFLite');
    expect(await pressed('Quantization')).toBe('int8');
    expect(await pressed('Input and output type')).toBe('float32');
    expect(await ship.getByLabel('Calibration').inputValue()).toBe('300');
    await ship.getByRole('group', { name: 'Format' }).getByRole('button', { name: 'TF.js' }).click();
    expect(await ship.getByRole('group', { name: 'Quantization' }).count()).toBe(0);
    await ship.getByRole('group', { name: 'Format' }).getByRole('button', { name: 'TFLite Micro' }).click();
    expect(await pressed('Input and output type')).toBe('int8');
    await ship.getByRole('group', { name: 'Format' }).getByRole('button', { name: 'TFLite', exact: true }).click();
    expect(await pressed('Input and output type')).toBe('float32');
    await ship.getByLabel('Calibration').fill('0');
    expect(await ship.getByTestId('ship-export').isDisabled()).toBe(true);
    // Fewer than the tiny project's training inputs, so the export uses exactly this many.
    await ship.getByLabel('Calibration').fill('20');
    await detail.screenshot({ path: screenshotPath('ship-1-before') });

    // The stages the panel shows while the service works, read until the download starts.
    const downloading = page.waitForEvent('download', { timeout: 180_000 });
    let downloaded = false;
    void downloading.then(() => (downloaded = true));
    await ship.getByTestId('ship-export').click();
    const stages: string[] = [];
    const stage = ship.getByTestId('ship-progress').locator('.stage');
    while (!downloaded) {
      const text = await stage.textContent({ timeout: 100 }).catch(() => null);
      if (text && stages.at(-1) !== text) stages.push(text);
      await page.waitForTimeout(30);
    }
    const download = await downloading;
    await page.getByTestId('ship-report').waitFor();
    expect(stages.length, stages.join(' | ')).toBeGreaterThan(1);
    expect(await ship.getAttribute('data-state')).toBe('done');
    // Tall enough that the detail panel's scrolling body shows the whole panel.
    await page.setViewportSize({ width: 1440, height: 2000 });
    await ship.screenshot({ path: screenshotPath('ship-2-report') });
    await page.setViewportSize({ width: 1440, height: 900 });

    // The download: a zip of one folder with the .tflite file and manifest.json.
    expect(download.suggestedFilename()).toBe(`${runId}-tflite-int8-float-io.zip`);
    const zipFile = path.join(dir, download.suggestedFilename());
    await download.saveAs(zipFile);
    const tested = spawnSync('unzip', ['-t', zipFile], { encoding: 'utf8' });
    expect(tested.status, tested.stdout + tested.stderr).toBe(0);
    const extracted = path.join(dir, 'unzipped');
    expect(spawnSync('unzip', ['-q', zipFile, '-d', extracted]).status).toBe(0);
    const folder = path.join(extracted, `${runId}-tflite-int8-float-io`);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as {
      format: string;
      run: { id: string };
      tflite: { modelFile: string; sizes: { rawBytes: number; zlibBytes: number }; calibrationInputs: number };
    };
    expect(manifest).toMatchObject({ format: 'tflite', run: { id: runId }, tflite: { calibrationInputs: 20 } });
    const model = fs.readFileSync(path.join(folder, manifest.tflite.modelFile));
    expect(model.subarray(4, 8).toString('latin1')).toBe('TFL3');

    // The report says what the written file is: its size to the byte, as the manifest measured it.
    expect(await value('raw').getAttribute('title')).toBe(`${model.length.toLocaleString('en-US')} bytes`);
    expect(await value('raw').textContent()).toMatch(/^\d+\.\d+ KB$/);
    expect(await value('zlib').getAttribute('title')).toBe(
      `${manifest.tflite.sizes.zlibBytes.toLocaleString('en-US')} bytes`,
    );
    for (const key of ['float-accuracy', 'model-accuracy', 'agreement'])
      expect(await value(key).textContent()).toMatch(/^\d+\.\d\d %$/);
    expect(await note('model-accuracy').textContent()).toMatch(/^(±0\.0|[+−]\d+\.\d) pt from float$/);
    expect(await value('front-end').textContent()).toMatch(/^\d+\.\d+ ms$/);
    expect(await value('arena').textContent()).toMatch(/^\d+\.\d+ KB$/);
    expect(await value('input').textContent()).toBe('float32');
    expect(await value('calibration').textContent()).toBe('20');
    const ops = await page.getByTestId('ship-report').locator('tr[data-key="ops"] .op').allTextContents();
    expect(ops).toEqual(expect.arrayContaining(['FULLY_CONNECTED']));
    expect(await ship.getByTestId('ship-saved').textContent()).toContain(download.suggestedFilename());
    shipped.zlibBytes = manifest.tflite.sizes.zlibBytes;
    shipped.accuracy = (await value('model-accuracy').textContent())!;

    // Its table fits the panel: nothing sticks out sideways.
    const overflow = await ship.evaluate((element) => element.scrollWidth - element.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(consoleErrors).toEqual([]);
  });

  it("shows the exported run's int8 figures in Compare's statistics, and ships the other run from there", async () => {
    await page.evaluate(
      (hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash),
      `#/compare?runs=${runId},${otherRunId}`,
    );
    const stats = page.getByTestId('stats-table');
    await stats.waitFor();
    const cells = async (key: string) =>
      (await stats.locator(`tr[data-stat="${key}"] td`).allTextContents()).map((text) => text.trim());
    const kb = shipped.zlibBytes / 1024;
    expect(await cells('tflite_int8_zlib_kb')).toEqual([`${kb.toFixed(kb < 10 ? 2 : 1)} KB`, '—']);
    expect((await cells('tflite_int8_accuracy'))[0]).toBe(shipped.accuracy);
    expect((await cells('tflite_int8_agreement'))[1]).toBe('—');

    await stats.locator(`[data-testid="compare-ship"][data-run-id="${otherRunId}"]`).click();
    const ship = page.getByTestId('run-comparison').getByTestId('ship-panel');
    await ship.waitFor();
    expect(await ship.getAttribute('data-run-id')).toBe(otherRunId);
    await ship.getByLabel('Calibration').fill('20');
    const downloading = page.waitForEvent('download', { timeout: 180_000 });
    await ship.getByTestId('ship-export').click();
    expect((await downloading).suggestedFilename()).toBe(`${otherRunId}-tflite-int8-float-io.zip`);
    await ship.getByTestId('ship-report').waitFor();
    // Its int8 figures join the statistics once the export recorded them.
    await expect.poll(async () => (await cells('tflite_int8_zlib_kb'))[1]).toMatch(/^\d+\.\d+ KB/);
    await page.screenshot({ path: screenshotPath('ship-3-compare') });
    expect(consoleErrors).toEqual([]);
  });
});
