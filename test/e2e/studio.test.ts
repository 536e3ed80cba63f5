import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath, watchedPage } from '../support/launchChromium.ts';
import { startServe, type RunningServe } from '../support/startServe.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-e2e-');
let serve: RunningServe;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  serve = await startServe([], { KWS_STUDIO_HOME: path.join(dir, 'home') });
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1440, height: 900 }, consoleErrors);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('the studio in a browser (serve mode)', () => {
  it('shows the first-run screen, creates the demo project from its button and lists the clips', async () => {
    await page.goto(serve.url);
    await page.getByRole('heading', { name: 'Welcome to KWS Studio' }).waitFor();
    await page.getByTestId('backend-status').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: screenshotPath('01-welcome') });

    await page.getByTestId('create-demo').click();
    await page.getByRole('heading', { name: 'Library' }).waitFor({ timeout: 200_000 });
    // Ten keywords × 60 clips, plus the unknown words.
    const clipCount = async () => Number(/^([\d,]+) clips$/.exec((await page.getByTestId('clip-count').textContent()) ?? '')?.[1]?.replaceAll(',', '') ?? 0);
    await expect.poll(clipCount, { timeout: 20_000 }).toBeGreaterThanOrEqual(10 * 60);
    // Virtualized: a screenful of rows exists in the page, not all of them.
    const rendered = await page.locator('.spacer .row[data-clip-id]').count();
    expect(rendered).toBeGreaterThan(15);
    expect(rendered).toBeLessThan(100);
    await page.locator('[data-testid="waveform"][data-spectrogram="ready"]').waitFor();
    await page.screenshot({ path: screenshotPath('02-library-demo') });
  });

  it('filters by label, moves through clips with the keyboard and shows the waveform', async () => {
    await page.locator('button.chip[data-label="stop"]').click();
    await expect.poll(() => page.getByTestId('clip-count').textContent()).toBe('60 clips');
    const labels = await page.locator('.spacer .row[data-clip-id] .cell:nth-child(2)').allTextContents();
    expect(new Set(labels)).toEqual(new Set(['stop']));

    const firstSelected = await page.locator('.row.cursor').getAttribute('data-clip-id');
    await page.locator('body').press('ArrowDown');
    await expect.poll(() => page.locator('.row.cursor').getAttribute('data-clip-id')).not.toBe(firstSelected);
    const surface = page.getByTestId('waveform');
    await surface.waitFor();
    const box = await surface.boundingBox();
    expect(box!.height).toBeGreaterThan(100);
    await page.locator('[data-testid="waveform"][data-spectrogram="ready"]').waitFor();
    await page.screenshot({ path: screenshotPath('03-library-filtered') });

    // Background noise is material for augmentation, listed apart from the classes.
    await page.getByRole('button', { name: /background noise/ }).click();
    await expect.poll(() => page.getByTestId('clip-count').textContent()).toBe('5 noise files');
    expect(await page.locator('.spacer .row[data-clip-id]').count()).toBe(5);
    await page.locator('button.chip[data-label="stop"]').click();
    await expect.poll(() => page.getByTestId('clip-count').textContent()).toBe('60 clips');
  });

  it("draws the selected clip's features and compares two specs in the inspector", async () => {
    const image = page.locator('[aria-label="Features of the selected clip"] [data-feature-image="ready"]');
    await image.waitFor();
    // The default Library preset is log-mel 40: 101 frames of 40 bins.
    expect(await image.getAttribute('data-shape')).toBe('101x40');
    await page.getByRole('button', { name: 'Compare specs…' }).click();
    await page.getByRole('heading', { name: 'Feature inspector' }).waitFor();
    const statsA = page.getByTestId('spec-A-stats');
    const statsB = page.getByTestId('spec-B-stats');
    await expect.poll(() => statsA.textContent(), { timeout: 20_000 }).toMatch(/101 × 40.*computed in [\d.]+ ms/s);
    await expect.poll(() => statsB.textContent(), { timeout: 20_000 }).toMatch(/49 × 10.*computed in [\d.]+ ms/s);

    const specB = page.getByTestId('spec-B');
    await specB.getByLabel('Load a preset into B').selectOption('tf-speech-commands');
    await expect.poll(() => statsB.textContent()).toMatch(/98 × 40/);
    await specB.getByLabel('Deltas').selectOption('2');
    await expect.poll(() => statsB.textContent()).toMatch(/98 × 120/);
    await page.screenshot({ path: screenshotPath('04-feature-inspector'), fullPage: true });

    // An impossible spec explains itself instead of computing.
    const upper = specB.getByLabel('Upper frequency');
    await upper.fill('9000');
    await upper.press('Tab');
    await specB.getByRole('alert').getByText('upper frequency 9000 Hz is above the Nyquist frequency (8000 Hz at 16000 Hz)').waitFor();
    await expect.poll(() => page.getByTestId('cache-hit-rate').textContent()).toMatch(/hit rate/);
    await page.getByRole('button', { name: 'Library' }).click();
  });

  it('reports the native backend in Diagnostics and the status bar', async () => {
    await expect.poll(() => page.getByTestId('backend-status').textContent()).toMatch(/backend: tensorflow/);
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    const backend = page.locator('tr[data-key="backend"] td').nth(1);
    await expect.poll(() => backend.textContent()).toBe('tensorflow');
    await page.screenshot({ path: screenshotPath('05-diagnostics') });
  });

  it('switches to the dark theme and shows the sweep builder', async () => {
    await page.getByRole('button', { name: /Switch to dark theme/ }).click();
    await page.getByRole('button', { name: 'Sweeps' }).click();
    await page.getByTestId('sweep-builder').waitFor();
    await page.screenshot({ path: screenshotPath('06-sweeps-dark') });
    await page.getByRole('button', { name: 'Library' }).click();
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.screenshot({ path: screenshotPath('07-library-dark') });
    expect(consoleErrors).toEqual([]);
  });
});
