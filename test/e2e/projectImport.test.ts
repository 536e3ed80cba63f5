import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { fsddDir, fsddMissing, hasFsdd } from '../support/sharedData.ts';
import { launchChromium, screenshotPath } from '../support/launchChromium.ts';
import { startServe, type RunningServe } from '../support/startServe.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-e2e-import-');
let serve: RunningServe;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  serve = await startServe([], { KWS_STUDIO_HOME: path.join(dir, 'home') });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('projects from the UI', () => {
  it('creates a project from the switcher and shows the empty state', async () => {
    await page.goto(serve.url);
    await page.getByRole('button', { name: /No project open/ }).click();
    await page.getByLabel('New project').check();
    await page.getByLabel('Project folder').fill(path.join(dir, 'digits'));
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('This project has no clips yet.').waitFor();
    await expect.poll(() => page.getByRole('button', { name: /Project\s+digits/ }).count()).toBe(1);
  });

  it('refuses a folder that is not a project, with the reason', async () => {
    await page.getByRole('button', { name: /Project\s+digits/ }).click();
    await page.getByLabel('Open folder').check();
    await page.getByLabel('Project folder').fill(path.join(dir, 'nowhere'));
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'is not a KWS Studio project' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it.skipIf(!hasFsdd)(
    `imports the FSDD sample with the file-name pattern (${hasFsdd ? 'present' : fsddMissing})`,
    async () => {
      await page.getByLabel('Folder', { exact: true }).fill(fsddDir);
      await page.getByLabel('Labels in file names:').check();
      // The live preview shows the pattern applied to real names before anything is read.
      const preview = page.getByTestId('import-preview');
      await expect.poll(() => preview.textContent()).toContain('2,000 files to import');
      expect(await preview.textContent()).toContain('0_george_0.wav');
      await page.screenshot({ path: screenshotPath('07a-import-preview') });
      await page.getByRole('button', { name: 'Import 2,000 files' }).click();
      await page.getByRole('heading', { name: 'Library' }).waitFor();
      await expect.poll(() => page.getByTestId('clip-count').textContent(), { timeout: 60_000 }).toBe('2,000 clips');
      await page.locator('button.chip[data-label="7"]').click();
      await expect.poll(() => page.getByTestId('clip-count').textContent()).toBe('200 clips');
      await page.getByTestId('waveform').waitFor();
      await page.locator('[data-testid="waveform"][data-spectrogram="ready"]').waitFor();
      await page.screenshot({ path: screenshotPath('07-fsdd-imported') });

      // Relabel the open clip from the keyboard: digits label as themselves, shown on the chips.
      const chipCount = async (label: string) =>
        Number(await page.locator(`button.chip[data-label="${label}"] .n`).textContent());
      const opened = await page.locator('.row.cursor').getAttribute('data-clip-id');
      expect(await page.locator('button.chip[data-label="3"]').getAttribute('title')).toMatch(/Press 3 to label/);
      await page.locator('body').press('3');
      await expect.poll(() => chipCount('3')).toBe(201);
      expect(await chipCount('7')).toBe(199);
      await expect.poll(() => page.getByTestId('clip-count').textContent()).toBe('199 clips');
      expect(await page.locator(`.row[data-clip-id="${opened}"]`).count()).toBe(0);
      await page.screenshot({ path: screenshotPath('07b-relabelled') });

      // Undo puts it back, and every count follows.
      await page.locator('body').press('Control+z');
      await expect.poll(() => chipCount('7')).toBe(200);
      expect(await chipCount('3')).toBe(200);
      await expect.poll(() => page.getByTestId('clip-count').textContent()).toBe('200 clips');
      await page.locator(`.row[data-clip-id="${opened}"]`).waitFor();

      // Speaker-aware splits, with the leakage report and the class-balance charts.
      await page.getByRole('tab', { name: 'Statistics & splits' }).click();
      await page.getByRole('button', { name: 'Assign splits' }).click();
      // 2,000 clips are split and the report redrawn; a loaded machine may take a few seconds.
      await expect
        .poll(() => page.getByTestId('split-totals').textContent(), { timeout: 30_000 })
        .toMatch(/unassigned 0/);
      const totals = (await page.getByTestId('split-totals').textContent())!;
      const counts = [...totals.matchAll(/(train|validation|test) (\d+)/g)].map((match) => Number(match[2]));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(2000);
      // Four speakers: every split holds whole speakers, so each count is a multiple of 500.
      expect(counts.every((count) => count % 500 === 0)).toBe(true);
      expect(await page.getByTestId('leakage').textContent()).toMatch(/No leakage/);
      await page.getByTestId('find-duplicates').click();
      await page
        .getByRole('status')
        .filter({ hasText: /near-duplicate pairs/ })
        .waitFor();
      await page.screenshot({ path: screenshotPath('07c-statistics'), fullPage: true });
      await page.getByRole('tab', { name: 'Clips' }).click();

      // The same folder again adds nothing.
      await page.getByRole('button', { name: 'Import…' }).click();
      await page.getByLabel('Folder', { exact: true }).fill(fsddDir);
      await page.getByLabel('Labels in file names:').check();
      await page.getByRole('button', { name: 'Import 2,000 files' }).click();
      await page.getByRole('status').filter({ hasText: '2000 duplicates skipped' }).waitFor();
      await page.screenshot({ path: screenshotPath('08-fsdd-reimport') });
    },
  );
});
