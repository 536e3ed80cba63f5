import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SweepSpec } from '../../src-shared/model/SweepSpec.ts';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { DEMO_KEYWORDS } from '../../src-main/services/demo/generateDemoDataset.ts';
import { launchChromium, screenshotPath, watchedPage } from '../support/launchChromium.ts';
import { startServe, type RunningServe } from '../support/startServe.ts';
import { smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-e2e-compare-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'demo');
let serve: RunningServe;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const runIds: string[] = [];

/** A short DS-CNN on the demo's ten keywords; the two runs differ in width and epochs. */
function demoSpec(name: string, filters: number, epochs: number): TrainSpec {
  const base = smallSpec(epochs);
  return {
    ...base,
    name,
    model: {
      ...base.model,
      firstConv: { filters, kernel: [10, 4], stride: [2, 2] },
      blocks: [filters, filters],
    } as TrainSpec['model'],
    data: { ...base.data, wantedWords: [...DEMO_KEYWORDS] },
  };
}

beforeAll(async () => {
  // The studio's own demo project (ten synthesized keywords, unknown words, background noise), made
  // smaller than the default so the test stays short; two runs and a small sweep trained through the
  // services before the studio serves the project.
  const studio = createServices({ home });
  const { services } = studio;
  await services.project.createDemo({ path: projectDir, clipsPerWord: 30 });
  await services.library.assignSplits({ validationPercent: 20, testPercent: 20 });
  const ended = new Set<string>();
  let onEnded = () => undefined as void;
  services.training.onDidProgress((progress) => {
    if (progress.status !== 'running' && progress.status !== 'queued') ended.add(progress.runId);
    onEnded();
  });
  const runsDone = new Promise<void>((resolve) => {
    onEnded = () => {
      if (runIds.length === 2 && runIds.every((id) => ended.has(id))) resolve();
    };
  });
  runIds.push((await services.training.startRun({ spec: demoSpec('narrow · 6 epochs', 8, 6) })).id);
  runIds.push((await services.training.startRun({ spec: demoSpec('wide · 10 epochs', 24, 10) })).id);
  const sweepDone = new Promise<void>((resolve) =>
    services.sweeps.onDidProgress((progress) => {
      if (progress.status === 'done' || progress.status === 'cancelled') resolve();
    }),
  );
  const sweep: SweepSpec = {
    name: 'width × rate',
    base: demoSpec('sweep', 8, 4),
    axes: [
      { path: 'model.firstConv.filters', values: [4, 8, 16] },
      { path: 'schedule.rate', values: [0.002, 0.01] },
    ],
    strategy: { kind: 'grid' },
    constraints: { maxGzipKb: 40, maxLatencyMs: null, minValAccuracy: null },
    objectives: ['val_accuracy', 'gzip_kb'],
  };
  await services.sweeps.startSweep({ spec: sweep });
  await runsDone;
  await sweepDone;
  for (const run of await services.runs.listRuns()) expect(run.status, `${run.name}: ${run.error}`).toBe('done');
  studio.dispose();

  serve = await startServe(['--project', projectDir], { KWS_STUDIO_HOME: home });
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1440, height: 960 }, consoleErrors);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/** Waits until the clip pane shows this clip's spectrogram (it is redrawn, off a worker, when the layout moves). */
async function spectrogramOf(clipId: string): Promise<void> {
  await page
    .locator(`[data-testid="clip-pane"][data-clip-id="${clipId}"] [data-testid="waveform"][data-spectrogram="ready"]`)
    .waitFor({ timeout: 20_000 });
  await page.waitForTimeout(400);
}

/** Dismisses the notices, so they do not cover what a screenshot is for. */
async function dismissToasts(): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

/** Scrolls the page's content so the element is at the top, for a screenshot of it in context. */
async function scrollTo(testid: string): Promise<void> {
  await page.getByTestId(testid).evaluate((element) => element.scrollIntoView({ block: 'start' }));
}

describe('comparing runs on the demo project', () => {
  it('opens two runs side by side: config diff, curves, matrices, per-class and model tables', async () => {
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.getByRole('heading', { name: 'Compare', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Pick runs to compare' }).waitFor();
    const add = page.getByLabel('Add a run');
    await expect.poll(() => add.locator('option').count(), { timeout: 20_000 }).toBeGreaterThan(2);
    await add.selectOption(runIds[0]!);
    await add.selectOption(runIds[1]!);

    const view = page.getByTestId('run-comparison');
    await expect.poll(() => view.getAttribute('data-loaded'), { timeout: 20_000 }).toBe('yes');
    const chips = page.getByTestId('compare-runs').locator('.chip');
    expect(await chips.allTextContents()).toEqual([
      expect.stringMatching(/narrow · 6 epochs\s*baseline/),
      expect.stringMatching(/wide · 10 epochs/),
    ]);

    // Only what differs: the width of the model and the epochs (and the names stay out).
    const diff = page.getByTestId('config-diff');
    const keys = await diff
      .locator('tbody tr[data-key]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key')));
    expect(keys).toEqual(expect.arrayContaining(['model.firstConv.filters', 'model.blocks', 'epochs']));
    expect(keys).not.toContain('seed');
    expect(await diff.locator('tr[data-key="epochs"] td').allTextContents()).toEqual(['6', '10']);

    // Curves of both runs, by epoch: 6 + 10 validation-accuracy points.
    await expect
      .poll(async () => Number(await page.getByTestId('compare-curves').getAttribute('data-points')))
      .toBe(16);
    await expect.poll(() => page.getByTestId('run-matrix').count()).toBe(2);
    expect(await page.getByTestId('difference-matrix').count()).toBe(1);
    expect(await page.getByTestId('stats-table').locator('tr[data-stat="parameters"] .best').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('compare-01-overview') });

    // Show all settings, smoothing and wall time on the x axis.
    await diff.getByLabel('Show all settings').check();
    expect(await diff.locator('tbody tr[data-key]').count()).toBeGreaterThan(keys.length + 10);
    await diff.getByLabel('Show all settings').uncheck();
    await page.getByRole('group', { name: 'Curve x axis' }).getByRole('button', { name: 'Wall time' }).click();
    await page.getByLabel('Curve metric').selectOption('train_loss');
    await scrollTo('compare-curves-panel');
    await page.screenshot({ path: screenshotPath('compare-02-curves-tables') });

    await page.getByRole('group', { name: 'Matrix values' }).getByRole('button', { name: 'Row %' }).click();
    await scrollTo('compare-confusion');
    await page.screenshot({ path: screenshotPath('compare-03-confusion') });

    await page.getByRole('button', { name: /Switch to dark theme/ }).click();
    await scrollTo('run-comparison');
    await page.screenshot({ path: screenshotPath('compare-03b-overview-dark') });
    await page.getByRole('button', { name: /Switch to light theme/ }).click();
  });

  it('keeps the comparison in the address: a reload shows the same runs, and runs that are gone are left out with a note', async () => {
    const hash = () => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
    const chips = page.getByTestId('compare-runs').locator('.chip');
    const view = page.getByTestId('run-comparison');
    await expect.poll(hash).toBe(`#/compare?runs=${runIds[0]},${runIds[1]}`);
    await page.getByLabel('Baseline run').selectOption(runIds[1]!);
    await expect.poll(hash).toBe(`#/compare?runs=${runIds[0]},${runIds[1]}&baseline=${runIds[1]}`);

    await page.reload();
    await expect.poll(() => view.getAttribute('data-loaded'), { timeout: 20_000 }).toBe('yes');
    expect(await chips.allTextContents()).toEqual([
      expect.stringMatching(/narrow · 6 epochs/),
      expect.stringMatching(/wide · 10 epochs\s*baseline/),
    ]);
    expect(await chips.first().locator('.baseline').count()).toBe(0);
    await page.getByLabel('Baseline run').selectOption(runIds[0]!);

    // A link naming a run the project no longer has: the others are compared, and the page says what was left out.
    const gone = 'run-20250101-000000-0ff0ff';
    await page.evaluate(
      (target) => ((globalThis as unknown as { location: { hash: string } }).location.hash = target),
      `#/compare?runs=${runIds[1]},${gone},${runIds[0]}`,
    );
    const note = page.getByTestId('compare-link-note');
    await note.getByText(new RegExp(`no longer in the project .*: ${gone}\\.`)).waitFor();
    await expect.poll(() => chips.count()).toBe(2);
    await expect.poll(hash).toBe(`#/compare?runs=${runIds[1]},${runIds[0]}`);
    await expect.poll(() => view.getAttribute('data-loaded'), { timeout: 20_000 }).toBe('yes');
    await page.screenshot({ path: screenshotPath('compare-01c-link-note') });
    await note.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => note.count()).toBe(0);

    // Back to the comparison the page had before, baseline first.
    await page.goBack();
    await expect.poll(hash).toBe(`#/compare?runs=${runIds[0]},${runIds[1]}`);
    await expect.poll(() => chips.first().textContent()).toMatch(/narrow · 6 epochs\s*baseline/);
    await expect.poll(() => view.getAttribute('data-loaded'), { timeout: 20_000 }).toBe('yes');
  });

  it('lists the clips one run fixed or broke, plays one and relabels it in the library, undoably', async () => {
    const panel = page.getByTestId('clip-diff');
    await panel.getByTestId('diff-summary').waitFor();
    // The first kind of difference that has clips.
    const tab = panel
      .getByRole('tab')
      .filter({ hasNot: page.locator('.count', { hasText: /^0$/ }) })
      .first();
    await tab.click();
    const rows = panel.getByTestId('diff-list').locator('.row[data-clip-id]');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const row = rows.first();
    const clipId = await row.getAttribute('data-clip-id');
    const name = (await row.locator('.name').textContent())!;
    const before = (await row.getAttribute('data-current'))!;
    // The pane shows the cursor clip with its waveform; the row's ▶ plays it.
    await spectrogramOf(clipId!);
    await row.getByRole('button', { name: `Play ${name}` }).click();
    await scrollTo('clip-diff');
    await page.screenshot({ path: screenshotPath('compare-04-clip-diff') });

    const target = DEMO_KEYWORDS.find((word) => word !== before)!;
    await row.getByRole('combobox', { name: `Relabel ${name}` }).selectOption(target);
    await expect.poll(() => row.getAttribute('data-current')).toBe(target);
    await row.getByTestId('current-label').getByText(`→ now ${target}`).waitFor();
    await page
      .getByText(/Ctrl\+Z undoes/)
      .first()
      .waitFor();
    await spectrogramOf(clipId!);
    await page.screenshot({ path: screenshotPath('compare-05-relabeled') });

    // The Library shows the new label: the same edit as labeling there.
    const libraryLabel = async () => {
      await page.getByRole('button', { name: 'Library', exact: true }).click();
      await page.getByLabel('Search clips').fill(name);
      const cell = page.locator(`.spacer .row[data-clip-id="${clipId}"] .cell:nth-child(2)`);
      await cell.waitFor();
      return (await cell.textContent())?.trim();
    };
    await expect.poll(libraryLabel, { timeout: 20_000 }).toBe(target);
    await page.getByLabel('Search clips').fill('');

    // Ctrl+Z on the Compare page's list undoes it, there and in the Library.
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.getByTestId('diff-list').waitFor();
    await page.getByTestId('diff-list').focus();
    await page.keyboard.press('Control+z');
    await page
      .getByText(/^Undid: /)
      .first()
      .waitFor();
    const undone = page.getByTestId('diff-list').locator(`.row[data-clip-id="${clipId}"]`);
    await expect.poll(() => undone.getAttribute('data-current')).toBe(before);
    expect(await undone.getByTestId('current-label').count()).toBe(0);
    await expect.poll(libraryLabel, { timeout: 20_000 }).toBe(before);
    await page.getByLabel('Search clips').fill('');

    // The list is keyboard-driven, as the Library is: ↓ moves the cursor and the pane follows.
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const list = page.getByTestId('diff-list');
    await list.focus();
    if ((await list.locator('.row[data-clip-id]').count()) > 1) {
      await page.keyboard.press('ArrowDown');
      const second = await list.locator('.row[data-index="1"]').getAttribute('data-clip-id');
      await expect.poll(() => list.locator('.row.cursor').getAttribute('data-clip-id')).toBe(second);
      await page.locator(`[data-testid="clip-pane"][data-clip-id="${second}"]`).waitFor();
    }
  });

  it('lists likely mislabeled clips with a one-click relabel to the model’s answer', async () => {
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const panel = page.getByTestId('mislabeled');
    await panel.waitFor();
    await panel.getByLabel('Minimum confidence').fill('0.3');
    await expect.poll(() => panel.getByTestId('mislabeled-total').getAttribute('data-min')).toBe('0.3');
    const rows = panel.getByTestId('mislabeled-list').locator('.row[data-clip-id]');
    if ((await rows.count()) === 0) {
      // A short run is rarely sure of anything: take every disagreement above 10 %.
      await panel.getByLabel('Minimum confidence').fill('0.1');
      await expect.poll(() => panel.getByTestId('mislabeled-total').getAttribute('data-min')).toBe('0.1');
    }
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    await spectrogramOf((await rows.first().getAttribute('data-clip-id'))!);
    await scrollTo('mislabeled');
    await page.screenshot({ path: screenshotPath('compare-06-mislabeled') });

    // One click relabels a clip to what the model heard; Ctrl+Z takes it back.
    const row = rows.filter({ has: page.locator('button.accept') }).first();
    const clipId = await row.getAttribute('data-clip-id');
    const suggested = (await row.locator('button.accept strong').textContent())!;
    await row.locator('button.accept').click();
    const same = panel.locator(`.row[data-clip-id="${clipId}"]`);
    await same.getByText(`✓ relabeled to ${suggested}`).waitFor();
    await panel.getByTestId('mislabeled-list').focus();
    await page.keyboard.press('Control+z');
    await same.locator('button.accept').waitFor();
  });

  it('exports the comparison as one self-contained HTML file', async () => {
    await page.getByTestId('compare-curves-panel').scrollIntoViewIfNeeded();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export report' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^kws-comparison-\d{4}-\d\d-\d\d\.html$/);
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('<img class="chart"');
    expect(html).toMatch(/src="data:image\/png;base64,/);
    expect(html).toContain('narrow · 6 epochs');
    expect(html).not.toMatch(/<script|<link|src="http/);
    // The report, opened as a colleague would.
    const report = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await report.goto(`file://${file}`);
    await report.getByRole('heading', { name: 'Comparison of 2 runs' }).waitFor();
    await report.screenshot({ path: screenshotPath('compare-07-report'), fullPage: true });
    await report.close();
    expect(html).toContain('color-scheme: light');

    // Exported in the dark theme, the report is dark too, so the charts drawn on screen match its page.
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    const [darkDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export report' }).click(),
    ]);
    const darkFile = path.join(dir, `dark-${darkDownload.suggestedFilename()}`);
    await darkDownload.saveAs(darkFile);
    expect(fs.readFileSync(darkFile, 'utf8')).toContain('color-scheme: dark');
    const darkReport = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await darkReport.goto(`file://${darkFile}`);
    await darkReport.getByRole('heading', { name: 'Comparison of 2 runs' }).waitFor();
    await darkReport.screenshot({ path: screenshotPath('compare-07b-report-dark'), fullPage: true });
    await darkReport.close();
    await page.getByRole('button', { name: 'Switch to light theme' }).click();

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSV', exact: true }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  });

  it('analyzes the sweep: parallel coordinates, Pareto scatters and parameter importance', async () => {
    await page.getByRole('group', { name: 'What to compare' }).getByRole('button', { name: 'Sweep analysis' }).click();
    const parallel = page.getByTestId('parallel-coordinates');
    await parallel.waitFor({ timeout: 20_000 });
    expect(await parallel.getAttribute('data-axes')).toBe('3');
    expect(await parallel.getAttribute('data-lines')).toBe('6');
    await expect
      .poll(async () => Number(await page.getByTestId('sweep-scatter-gzip').getAttribute('data-front')))
      .toBeGreaterThan(0);
    await page.getByTestId('importance').locator('li[data-key="model.firstConv.filters"]').waitFor();
    await dismissToasts();
    await page.screenshot({ path: screenshotPath('compare-08-sweep-analysis') });

    // Brushing the metric axis keeps only the better trials.
    const axis = parallel.locator('rect.hit').last();
    const box = (await axis.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => Number(await parallel.getAttribute('data-kept'))).toBeLessThan(6);
    await scrollTo('sweep-analysis');
    await page.screenshot({ path: screenshotPath('compare-09-sweep-brushed') });
    await dismissToasts();
    await page.getByTestId('importance').evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await page.screenshot({ path: screenshotPath('compare-10-importance') });
    expect(consoleErrors).toEqual([]);
  });

  it('opens a scatter dot’s run on the Train page', async () => {
    const chart = page.getByTestId('sweep-scatter-gzip');
    await chart.scrollIntoViewIfNeeded();
    const points = JSON.parse((await chart.getAttribute('data-points')) ?? '[]') as {
      trial: number;
      x: number;
      y: number;
    }[];
    expect(points.length).toBe(6);
    const point = points[0]!;
    await chart.locator('canvas').click({ position: { x: point.x, y: point.y } });
    const run = page.getByTestId('run-view');
    await run.waitFor();
    await expect.poll(() => run.getAttribute('data-status')).toBe('done');

    // A run that finished while no page watched it keeps its step-level loss curve, smoothed, with the smoothing control.
    const curves = page.getByTestId('run-curves');
    await expect.poll(() => curves.getAttribute('data-epochs')).toBe('4');
    expect(await curves.getAttribute('data-smoothed')).toBe('step loss');
    const steps = Number(await curves.getAttribute('data-step-points'));
    expect(steps).toBeGreaterThan(4);
    const smoothing = curves.getByLabel('Smoothing of the step loss');
    expect(await smoothing.inputValue()).toBe('0.6');
    // Raw and smoothed step loss, and the per-epoch training and validation loss (four points each).
    await expect
      .poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')))
      .toBe(2 * steps + 8);
    await curves.scrollIntoViewIfNeeded();
    await dismissToasts();
    await page.screenshot({ path: screenshotPath('compare-11-finished-run-curves') });
    await smoothing.fill('0');
    await expect
      .poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')))
      .toBe(steps + 8);
    expect(consoleErrors).toEqual([]);
  });
});
