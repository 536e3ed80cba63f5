import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath, watchedPage } from '../support/launchChromium.ts';
import { startServe, type RunningServe } from '../support/startServe.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-e2e-train-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'words');
let serve: RunningServe;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  // Made through the services, as a user's import would, before the studio serves it.
  await createWordsProject(home, projectDir, { words: { yes: 11, no: 22, up: 33, other: 44 }, perWord: 32, other: 16 });
  serve = await startServe(['--project', projectDir], { KWS_STUDIO_HOME: home });
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1440, height: 900 }, consoleErrors);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/** The output classes the editor says the spec trains, in model order. */
const classes = async () => (await page.getByTestId('train-classes').locator('.class').allTextContents()).join(' ');

describe('training from the Train page', () => {
  it('edits a DS-CNN spec with live validation and model stats', async () => {
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Train' }).click();
    await page.getByRole('heading', { name: 'Train', exact: true }).waitFor();
    await page.getByLabel('Start from a preset').selectOption('ds-cnn');
    // Every label is wanted by default, with silence on top.
    await expect.poll(() => classes()).toBe('_silence_ no other up yes');
    await expect.poll(() => page.getByTestId('input-shape').textContent()).toBe('49 × 10 × 1');
    // The Hello Edge DS-CNN-S has about 24 k parameters and 2.7 M MACs at 49 × 10.
    await expect.poll(() => page.getByTestId('model-params').textContent(), { timeout: 20_000 }).toMatch(/^2\d\.\d k$/);
    const macs = await page.getByTestId('model-macs').textContent();
    expect(macs).toMatch(/ M$/);
    await page.screenshot({ path: screenshotPath('train-01-editor') });

    // The preset's stages are in steps and set the run's length: Epochs shows what they imply, and cannot be edited.
    const epochs = page.getByLabel('Epochs', { exact: true });
    expect(await epochs.isDisabled()).toBe(true);
    expect(await page.getByTestId('length-set-by').textContent()).toMatch(
      /set the run's length \(30,000 steps, [\d,]+ epochs of \d+\) and Epochs is not used/,
    );
    await page.getByTestId('length-set-by').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('train-01b-length-set-by-stages') });
    // As shares of the run, the same stages follow the epochs, which start at the length the stages had (at most 10,000 epochs).
    const implied = Number(await epochs.inputValue());
    await page.getByRole('button', { name: 'Give the stages as shares of the run' }).click();
    await expect.poll(() => epochs.isEnabled()).toBe(true);
    expect(Number(await epochs.inputValue())).toBe(Math.min(implied, 10_000));
    expect(await page.getByLabel('Lengths in').inputValue()).toBe('share');
    expect(await page.getByTestId('schedule-note').textContent()).toMatch(
      /Stages of 33.3 % · 33.3 % · 33.3 % of the run/,
    );

    // Pruning that the run never reaches is a warning, not a problem: Start stays on.
    await page.getByLabel('Magnitude pruning').selectOption('polynomial');
    await page.getByLabel('Timing in').selectOption('steps');
    await page.getByLabel('Begin step').fill('100000000');
    await page.getByLabel('End step').fill('100000001');
    await expect
      .poll(async () =>
        (await page.getByTestId('spec-warnings').count()) ? await page.getByTestId('spec-warnings').textContent() : '',
      )
      .toMatch(/Pruning never starts: it begins at step 100000000, after the run's last step/);
    expect(await page.getByTestId('start-training').isEnabled()).toBe(true);
    await page.getByTestId('spec-warnings').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('train-01c-pruning-warning') });
    await page.getByLabel('Magnitude pruning').selectOption('off');
    await expect.poll(() => page.getByTestId('spec-warnings').count()).toBe(0);

    // "other" becomes _unknown_ when it is not wanted.
    await page.locator('button.chip[data-word="other"]').click();
    await expect.poll(() => classes()).toBe('_silence_ _unknown_ no up yes');

    // A short run: a small model, a constant rate, six epochs of batch 16.
    await page.getByLabel('First conv filters').fill('16');
    await page.getByLabel('Block filters (one per block)').fill('16, 16');
    await page.getByLabel('Schedule', { exact: true }).selectOption('constant');
    await page.getByLabel('Learning rate', { exact: true }).fill('0.01');
    await page.getByLabel('Batch size').fill('16');
    await page.getByLabel('Epochs', { exact: true }).fill('6');
    await page.getByLabel('Run name').fill('e2e DS-CNN');
    await expect.poll(() => page.getByTestId('model-macs').textContent(), { timeout: 20_000 }).not.toBe(macs);

    // Problems are named in words, next to the field and above the Start button, which waits for a fix.
    await page.getByLabel('Dropout').fill('1.5');
    await page.getByTestId('spec-problems').getByText('Dropout: must be at most 0.95').waitFor();
    await page.getByLabel('Block filters (one per block)').fill('16, x');
    await page.getByTestId('spec-problems').getByText('Block filters (value 2): must be a number').waitFor();
    expect(await page.getByTestId('start-training').isDisabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('train-02-problems') });
    await page.getByLabel('Dropout').fill('0.1');
    await page.getByLabel('Block filters (one per block)').fill('16, 16');
    await expect.poll(() => page.getByTestId('spec-problems').count()).toBe(0);
    expect(await page.getByTestId('start-training').isEnabled()).toBe(true);
  });

  it('starts the run, follows its curves live and ends with the results', async () => {
    await page.getByTestId('start-training').click();
    const view = page.getByTestId('run-view');
    await view.waitFor();
    const curves = page.getByTestId('run-curves');
    // Every value the epoch count takes on screen, recorded in the page, so no update is missed between polls.
    await curves.evaluate((element) => {
      const seen: string[] = [];
      // This runs in the page; the test's own types have no DOM.
      const page = globalThis as unknown as {
        epochCounts: string[];
        MutationObserver: new (callback: () => void) => {
          observe(target: unknown, options: { attributes: boolean; attributeFilter: string[] }): void;
        };
      };
      page.epochCounts = seen;
      new page.MutationObserver(() => seen.push(element.getAttribute('data-epochs') ?? '')).observe(element, {
        attributes: true,
        attributeFilter: ['data-epochs'],
      });
    });
    await expect
      .poll(async () => Number(await curves.getAttribute('data-epochs')), { timeout: 60_000, interval: 100 })
      .toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: screenshotPath('train-03-live-curves') });

    await expect.poll(() => view.getAttribute('data-status'), { timeout: 90_000 }).toBe('done');
    await expect.poll(async () => Number(await curves.getAttribute('data-epochs'))).toBe(6);
    const counts = await page.evaluate(() =>
      (globalThis as unknown as { epochCounts: string[] }).epochCounts.map(Number),
    );
    // The curve grew epoch by epoch while the run trained, not all at once at the end.
    expect(new Set(counts.filter((count) => count > 0 && count < 6)).size).toBeGreaterThanOrEqual(2);
    expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(12);
    await expect.poll(() => page.getByTestId('test-accuracy').textContent()).toMatch(/\d+\.\d %/);
    await page.getByTestId('per-class').waitFor();
    await page.screenshot({ path: screenshotPath('train-04-done'), fullPage: true });
  });

  it('lists the clips of a confusion-matrix cell, plays and relabels them', async () => {
    const matrix = page.getByTestId('confusion-matrix');
    await matrix.scrollIntoViewIfNeeded();
    // A mistake if the model made one, else a correct cell of a word.
    const mistakes = matrix.locator('button.cell:not(.diagonal):not([disabled]):not([data-actual="_silence_"])');
    const cell =
      (await mistakes.count()) > 0 ? mistakes.first() : matrix.locator('button.cell.diagonal[data-actual="yes"]');
    const expected = Number(await cell.textContent());
    await cell.click();
    const clips = page.getByTestId('cell-clips');
    const rows = clips.locator('.row[data-clip-id]');
    await expect.poll(() => rows.count()).toBe(expected);
    expect(await rows.first().locator('.name').textContent()).toMatch(/\.wav$/);
    await page.keyboard.press('Space');
    await rows.first().locator('.play.on').waitFor();
    await page.screenshot({ path: screenshotPath('train-05-confusion-clips') });

    // Relabeling goes to the Library as an undoable edit: the Library shows it, and Ctrl+Z there or here undoes it.
    const row = rows.first();
    const clipId = (await row.getAttribute('data-clip-id'))!;
    const name = (await row.locator('.name').textContent())!;
    const libraryLabel = async () => {
      await page.getByRole('button', { name: 'Library', exact: true }).click();
      await page.getByLabel('Search clips').fill(name);
      const label = page.locator(`.spacer .row[data-clip-id="${clipId}"] .cell:nth-child(2)`);
      await label.waitFor();
      return (await label.textContent())?.trim();
    };
    const backToTrain = async () => {
      await page.getByLabel('Search clips').fill('');
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await expect.poll(() => rows.count()).toBe(expected);
    };
    const before = await libraryLabel();
    await backToTrain();
    const target = before === 'yes' ? 'no' : 'yes';
    await row.getByRole('combobox').selectOption(target);
    await row.getByText(`→ ${target}`).waitFor();
    await page
      .getByText(/Ctrl\+Z undoes/)
      .first()
      .waitFor();
    await expect.poll(libraryLabel, { timeout: 20_000 }).toBe(target);

    // Undone with the Library's own Ctrl+Z: the Train page's list shows the label back too.
    await page.locator(`.spacer .row[data-clip-id="${clipId}"]`).click();
    await page.keyboard.press('Control+z');
    await expect.poll(libraryLabel, { timeout: 20_000 }).toBe(before);
    await backToTrain();
    await expect.poll(() => row.getByText(`→ ${target}`).count()).toBe(0);

    // Relabeled again and undone from the list: the Library follows.
    await row.getByRole('combobox').selectOption(target);
    await row.getByText(`→ ${target}`).waitFor();
    await clips.getByRole('listbox').focus();
    await page.keyboard.press('Control+z');
    await page
      .getByText(/^Undid: /)
      .first()
      .waitFor();
    await expect.poll(() => row.getByText(`→ ${target}`).count()).toBe(0);
    await expect.poll(libraryLabel, { timeout: 20_000 }).toBe(before);
    await backToTrain();
  });

  it('shows the run in the dark theme and on the Runs page', async () => {
    await page.getByRole('button', { name: /Switch to dark theme/ }).click();
    await page.getByTestId('run-view').evaluate((element) => element.closest('.content')?.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('train-06-done-dark') });
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    const row = page.getByTestId('run-table').locator('.row[data-run-id]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.first().textContent()).toMatch(/e2e DS-CNN.*done.*ds_cnn/s);
    await page.screenshot({ path: screenshotPath('train-07-runs-dark') });
    await row.first().dblclick();
    await page.getByTestId('open-on-train').click();
    await page.getByTestId('run-view').waitFor();
    await page
      .getByRole('button', { name: /New run/ })
      .first()
      .click();
    await page.getByTestId('start-training').waitFor();
    await page.screenshot({ path: screenshotPath('train-08-editor-dark') });
    await page.getByRole('button', { name: /Switch to light theme/ }).click();
    expect(consoleErrors).toEqual([]);
  });

  it('follows a run the CLI trains in another process, live, and cancels it from here', async () => {
    const specFile = path.join(dir, 'cli-run.json');
    fs.writeFileSync(specFile, JSON.stringify({ ...smallSpec(400), name: 'From the CLI' }));
    const cli = spawn(
      process.execPath,
      [
        path.resolve(import.meta.dirname, '..', '..', 'bin', 'kws-studio.js'),
        'train',
        '--project',
        projectDir,
        '--spec',
        specFile,
      ],
      {
        env: { ...process.env, KWS_STUDIO_HOME: home },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    try {
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      const item = page.locator('[data-run-id]', { hasText: 'From the CLI' });
      await item.waitFor({ timeout: 60_000 });
      await item.click();
      const view = page.getByTestId('run-view');
      // Progress the CLI's worker writes to the database, not "Starting the training process…".
      await expect
        .poll(() => page.getByTestId('run-progress').textContent(), { timeout: 60_000 })
        .toMatch(/Epoch \d+ \/ 400/);
      await expect
        .poll(async () => Number(await page.getByTestId('run-curves').getAttribute('data-epochs')), { timeout: 60_000 })
        .toBeGreaterThanOrEqual(2);
      await page.screenshot({ path: screenshotPath('train-09-cli-run-live') });
      await page.getByTestId('cancel-run').click();
      expect(await exited).toBe(130);
      await expect.poll(() => view.getAttribute('data-status'), { timeout: 20_000 }).toBe('cancelled');
      await page.getByTestId('resume-run').waitFor();
      await page.screenshot({ path: screenshotPath('train-10-cli-run-cancelled') });
    } finally {
      cli.kill('SIGKILL');
    }
    expect(consoleErrors).toEqual([]);
  });
});
