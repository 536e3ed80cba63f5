import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createProject } from '../../src-main/services/project/createProject.ts';
import { launchChromium, screenshotPath, watchedPage } from '../support/launchChromium.ts';
import { startServe, type RunningServe } from '../support/startServe.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-e2e-');
let serve: RunningServe;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  // A recent list as a returning user has it: one project still there, three whose folders are gone.
  const home = path.join(dir, 'home');
  const kept = path.join(dir, 'go-stop-words');
  createProject(kept, 'Go/Stop words').db.close();
  const entry = (projectPath: string, name: string, daysAgo: number) => ({
    path: projectPath,
    name,
    openedAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
  });
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(
    path.join(home, 'recent-projects.json'),
    JSON.stringify([
      entry(kept, 'Go/Stop words', 1),
      entry(path.join(dir, 'old-keywords'), 'Old keywords', 3),
      entry('/media/usb-drive/wake-word', 'Wake word (USB drive)', 9),
      entry(path.join(dir, 'scratch'), 'Scratch', 20),
    ]),
  );
  serve = await startServe([], { KWS_STUDIO_HOME: home });
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
    const missing = page.getByTestId('missing-recent');
    await expect.poll(() => missing.count()).toBe(3);
    await page.screenshot({ path: screenshotPath('01-welcome') });

    // Projects whose folders are gone come off the list one by one, or all at once.
    await page.getByRole('button', { name: 'Remove Old keywords from the recent projects' }).click();
    await expect.poll(() => missing.count()).toBe(2);
    await page.getByRole('button', { name: 'Remove the 2 missing projects' }).click();
    await expect.poll(() => missing.count()).toBe(0);
    await page.getByRole('button', { name: /Go\/Stop words/ }).waitFor();

    await page.getByTestId('create-demo').click();
    await page.getByRole('heading', { name: 'Library' }).waitFor({ timeout: 200_000 });
    // Ten keywords × 60 clips, plus the unknown words.
    const clipCount = async () =>
      Number(
        /^([\d,]+) clips$/.exec((await page.getByTestId('clip-count').textContent()) ?? '')?.[1]?.replaceAll(',', '') ??
          0,
      );
    await expect.poll(clipCount, { timeout: 20_000 }).toBeGreaterThanOrEqual(10 * 60);
    // Virtualized: a screenful of rows exists in the page, not all of them.
    const rendered = await page.locator('.spacer .row[data-clip-id]').count();
    expect(rendered).toBeGreaterThan(15);
    expect(rendered).toBeLessThan(100);
    await page.locator('[data-testid="waveform"][data-spectrogram="ready"]').waitFor();
    await page.screenshot({ path: screenshotPath('02-library-demo') });
  });

  it('keeps hotkeys stable while labeling: one key, clip after clip, always the label its chip shows', async () => {
    const chipWithKey = (key: string) =>
      page.locator('button.chip[data-label]').filter({ has: page.locator('kbd', { hasText: new RegExp(`^${key}$`) }) });
    // The keywords hold 1–9 and 0 in the order people say them; the filler words are marked unknown.
    expect(await chipWithKey('1').getAttribute('data-label')).toBe('yes');
    expect(await chipWithKey('0').getAttribute('data-label')).toBe('go');
    expect(await page.locator('button.chip.unknown').count()).toBe(8);
    await page.screenshot({ path: screenshotPath('02b-library-hotkeys') });

    const label = chipWithKey('2');
    const shown = await label.getAttribute('data-label');
    expect(shown).toBe('no');
    const chipCount = async (name: string) =>
      Number(await page.locator(`button.chip[data-label="${name}"] .n`).textContent());
    const before = await chipCount('no');
    // Sorted by file name, a relabelled clip keeps its row.
    await page.getByRole('columnheader', { name: /^File/ }).click();
    await expect
      .poll(() => page.locator('.spacer .row[data-clip-id] .name').first().textContent())
      .toBe('spk00_nohash_0.wav');
    await page.locator('.spacer .row[data-clip-id]').first().click();
    // Clips of other labels become "no", one press each: "no" outgrows every other label as it goes,
    // which is what used to hand its key to another label in the middle of the session.
    const relabelled: string[] = [];
    for (let press = 0; press < 6; press++) {
      expect(await label.getAttribute('data-label'), `the key 2 before press ${press + 1}`).toBe(shown);
      const clipId = (await page.locator('.row.cursor').getAttribute('data-clip-id'))!;
      await page.locator('body').press('2');
      await expect.poll(() => page.locator(`.row[data-clip-id="${clipId}"] .label`).textContent()).toBe(shown);
      await expect.poll(() => page.locator('.row.cursor').getAttribute('data-clip-id')).not.toBe(clipId);
      relabelled.push(clipId);
    }
    expect(new Set(relabelled).size).toBe(6);
    const changed = (await chipCount('no')) - before;
    expect(changed).toBeGreaterThan(0);
    for (let press = 0; press < 6; press++) await page.locator('body').press('Control+z');
    await expect.poll(() => chipCount('no')).toBe(before);
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
    await specB
      .getByRole('alert')
      .getByText('upper frequency 9000 Hz is above the Nyquist frequency (8000 Hz at 16000 Hz)')
      .waitFor();
    await expect.poll(() => page.getByTestId('cache-hit-rate').textContent()).toMatch(/hit rate/);
    await page.getByRole('button', { name: 'Library' }).click();
  });

  it('reports the native backend in Diagnostics and the status bar', async () => {
    await expect.poll(() => page.getByTestId('backend-status').textContent()).toMatch(/backend: tensorflow/);
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    const backend = page.locator('tr[data-key="backend"] td').nth(1);
    await expect.poll(() => backend.textContent()).toBe('tensorflow');
    // Advice reads as text with its commands set as code, never as raw Markdown.
    const advice = page.locator('td.advice');
    expect((await advice.allTextContents()).join(' ')).not.toMatch(/`|\*\*/);
    if ((await page.locator('tr[data-key="electron_binary"] td').nth(1).textContent()) === 'no') {
      expect(await page.locator('tr[data-key="electron_binary"] td.advice code').allTextContents()).toEqual([
        'npm start',
        'node node_modules/electron/install.js',
      ]);
    }
    await page.screenshot({ path: screenshotPath('05-diagnostics') });
  });

  it('closes the project popover on Escape, on a click outside and on navigation, and keeps the page in the address', async () => {
    const button = page.getByTestId('project-switcher');
    const popover = page.getByRole('dialog', { name: 'Switch project' });
    await button.click();
    await popover.waitFor();
    await page.screenshot({ path: screenshotPath('05b-project-popover') });
    await page.keyboard.press('Escape');
    await popover.waitFor({ state: 'detached' });
    // The focus is back on the button, so the keyboard carries on from there.
    expect(await button.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);

    await button.click();
    await popover.waitFor();
    // A click on the page beside the Diagnostics card.
    await page.mouse.click(1400, 400);
    await popover.waitFor({ state: 'detached' });

    // Back (a key or a mouse button, no click in the page) returns to the Library and leaves the popover behind.
    await button.click();
    await popover.waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await popover.waitFor({ state: 'detached' });
    // Forward, and a reload, show Diagnostics again: the page is in the address.
    await page.goForward();
    await page.getByRole('heading', { name: 'Diagnostics' }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe(
      '#/diagnostics',
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Diagnostics' }).waitFor();
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
