import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath, watchedPage } from '../support/launchChromium.ts';
import { startServe, type RunningServe } from '../support/startServe.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-e2e-sweeps-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'demo');
let serve: RunningServe;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  // The studio's own demo project (ten synthesized keywords, unknown words, noise), as `npm start` opens it.
  const studio = createServices({ home });
  await studio.services.project.createDemo({ path: projectDir });
  studio.dispose();
  serve = await startServe(['--project', projectDir], { KWS_STUDIO_HOME: home });
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1440, height: 1000 }, consoleErrors);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('a sweep from the Sweeps page', () => {
  it('builds a 2 × 2 grid with a live trial count and problems in words', async () => {
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Sweeps' }).click();
    await page.getByRole('heading', { name: 'Sweeps', level: 1 }).waitFor();
    await page.getByLabel('Start from').selectOption('sweep:edge-go-stop-grid');
    // The preset's grid: 3 widths × 4 sparsities.
    await expect.poll(() => page.getByTestId('sweep-trial-count').textContent(), { timeout: 20_000 }).toBe('12 trials');

    // A typed path the TrainSpec does not have is named as a problem, and Start waits for a fix.
    await page.getByLabel('Field 1', { exact: true }).fill('model.nonsense');
    await page.getByTestId('sweep-problems').waitFor();
    expect(await page.getByTestId('sweep-problems').textContent()).toMatch(/nonsense/);
    expect(await page.getByTestId('start-sweep').isDisabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('sweeps-01-problems') });

    // A tiny grid: narrow first conv × dropout, one block of 8, two epochs, pruning off (a size axis would be slow).
    await page.getByLabel('Field 1', { exact: true }).fill('model.firstConv.filters');
    await page.getByLabel('Values 1', { exact: true }).fill('4, 8');

    // Warnings, from the demo's data, do not hold the sweep back: in its short trials two pruning frequencies round to the same steps.
    await page.getByLabel('Field 2', { exact: true }).fill('pruning.frequencyFraction');
    await page.getByLabel('Values 2', { exact: true }).fill('0.05, 0.051');
    const warnings = page.getByTestId('sweep-warnings');
    await expect
      .poll(async () => ((await warnings.count()) ? await warnings.textContent() : ''), { timeout: 20_000 })
      .toMatch(
        /2 trials repeat others: trial 2 \(model.firstConv.filters=4, pruning.frequencyFraction=0.051\) would train exactly like trial 1 .* both update the pruning masks at the same steps/,
      );
    await expect.poll(() => page.getByTestId('start-sweep').isEnabled()).toBe(true);
    await warnings.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('sweeps-01b-warnings') });

    await page.getByLabel('Field 2', { exact: true }).fill('model.dropout');
    await page.getByLabel('Values 2', { exact: true }).fill('0, 0.2');
    await page.getByRole('button', { name: '+ Add axis' }).click();
    await page.getByLabel('Field 3', { exact: true }).fill('model.blocks');
    await page.getByLabel('Values 3', { exact: true }).fill('[8]');
    await page.getByRole('button', { name: '+ Add axis' }).click();
    await page.getByLabel('Field 4', { exact: true }).fill('schedule.warmupFraction');
    await page.getByLabel('Values 4', { exact: true }).fill('0');
    await page.getByLabel('Epochs per trial').fill('2');
    await page.getByLabel('Sweep name').fill('e2e grid');
    await expect.poll(() => page.getByTestId('sweep-trial-count').textContent(), { timeout: 20_000 }).toBe('4 trials');
    const problems = page.getByTestId('sweep-problems');
    await expect.poll(async () => ((await problems.count()) ? await problems.textContent() : '')).toBe('');
    await expect.poll(() => page.getByTestId('start-sweep').isEnabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('sweeps-02-builder'), fullPage: true });
  });

  it('runs it live to the end and shows the Pareto front', async () => {
    await page.getByTestId('start-sweep').click();
    const view = page.getByTestId('sweep-view');
    await view.waitFor();
    await expect.poll(() => view.getAttribute('data-status'), { timeout: 90_000 }).toBe('done');
    await expect.poll(() => page.getByTestId('trial-table').locator('tbody tr [data-status="done"]').count()).toBe(4);
    await expect.poll(() => page.getByTestId('sweep-best').textContent()).toMatch(/\d+\.\d %/);
    const chart = page.getByTestId('pareto-chart');
    await expect.poll(async () => JSON.parse((await chart.getAttribute('data-points')) ?? '[]').length).toBe(4);
    expect(await page.getByTestId('trial-table').getByText('◆ front').count()).toBeGreaterThanOrEqual(1);
    expect(Number(await page.getByTestId('best-curve').getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: screenshotPath('sweeps-03-pareto'), fullPage: true });
    await page.getByRole('button', { name: 'Latency' }).click();
    await page.screenshot({ path: screenshotPath('sweeps-04-pareto-latency') });
    await page.getByRole('button', { name: 'Size' }).click();

    // The builder now has measured trial speed for an ETA; the list keeps the sweep.
    await page.getByRole('button', { name: '+ New sweep' }).click();
    await expect
      .poll(() => page.getByTestId('sweep-eta').textContent(), { timeout: 20_000 })
      .toMatch(/about \d+:\d\d on this machine \(\d at once\)/);
    await page.getByTestId('sweep-eta').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('sweeps-03b-builder-eta') });
    const listed = page.getByTestId('sweep-list').getByRole('button', { name: /e2e grid/ });
    expect(await listed.textContent()).toMatch(/done.*4\/4 done/s);
    await listed.click();
    await page.getByTestId('sweep-view').waitFor();
  });

  it('adds trials to the finished sweep, which runs them and keeps the first four', async () => {
    await page.getByTestId('sweep-extend').click();
    await page.getByTestId('sweep-extending').waitFor();
    // A third dropout value: two new configurations of the 2 × 3 grid.
    await page.getByLabel('Values 2', { exact: true }).fill('0, 0.2, 0.4');
    await expect.poll(() => page.getByTestId('sweep-trial-count').textContent(), { timeout: 20_000 }).toBe('6 trials');
    await page.screenshot({ path: screenshotPath('sweeps-06-add-trials') });
    await page.getByRole('button', { name: 'Add the new trials' }).click();
    const view = page.getByTestId('sweep-view');
    await view.waitFor();
    await expect.poll(() => page.getByTestId('trial-table').locator('tbody tr').count()).toBe(6);
    await expect.poll(() => view.getAttribute('data-status'), { timeout: 90_000 }).toBe('done');
    await expect.poll(() => page.getByTestId('trial-table').locator('tbody tr [data-status="done"]').count()).toBe(6);
    expect(await page.getByTestId('trial-table').locator('tbody tr td:first-child').allTextContents()).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
    ]);
  });

  it('opens a point’s run on the Train page', async () => {
    const chart = page.getByTestId('pareto-chart');
    await chart.scrollIntoViewIfNeeded();
    const points = JSON.parse((await chart.getAttribute('data-points')) ?? '[]') as {
      trial: number;
      x: number;
      y: number;
    }[];
    const point = points[0]!;
    await chart.locator('canvas').click({ position: { x: point.x, y: point.y } });
    const run = page.getByTestId('run-view');
    await run.waitFor();
    await expect.poll(() => run.getAttribute('data-status')).toBe('done');
    await page.screenshot({ path: screenshotPath('sweeps-05-opened-run') });
    expect(consoleErrors).toEqual([]);
  });
});
