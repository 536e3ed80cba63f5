import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createServices } from '../../src-main/services/createServices.ts';
import { createSweep } from '../../src-main/services/sweeps/sweepStore.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { launchChromium, screenshotPath, watchedPage } from '../support/launchChromium.ts';
import { startServe, type RunningServe } from '../support/startServe.ts';
import { insertSyntheticRun, syntheticRuns, type SyntheticRun } from '../support/syntheticRuns.ts';
import { smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-e2e-runs-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'history');
const RUNS = 2000;
let serve: RunningServe;
let browser: Browser;
let page: Page;
let runs: SyntheticRun[];
let snapshotId: string;
let sweepIds: string[];
const sweepNames = ['width sweep', 'pruning sweep'];
const consoleErrors: string[] = [];

beforeAll(async () => {
  // A year of history written the way training writes it, through the project's own store, before the studio serves it.
  const studio = createServices({ home });
  await studio.services.project.create({ path: projectDir });
  const db = studio.session.require().db;
  snapshotId = createSnapshot(db);
  sweepIds = sweepNames.map((name) =>
    createSweep(
      db,
      {
        name,
        base: smallSpec(3),
        axes: [],
        strategy: { kind: 'grid' },
        constraints: { maxGzipKb: null, maxLatencyMs: null, minValAccuracy: null },
        objectives: ['val_accuracy'],
      },
      snapshotId,
      'test',
      [],
    ),
  );
  runs = syntheticRuns(RUNS, { seed: 21, sweepIds, epochs: [2, 3] });
  db.transaction(() => runs.forEach((run) => insertSyntheticRun(db, snapshotId, run)))();
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

const table = () => page.getByTestId('run-table');
const rows = () => table().locator('.row[data-run-id]');
const count = () =>
  page
    .getByTestId('run-count')
    .textContent()
    .then((text) => text?.trim());
const firstId = () => rows().first().getAttribute('data-run-id');
const row = (id: string) => table().locator(`.row[data-run-id="${id}"]`);
const header = (key: string) => table().locator(`[role="columnheader"][data-key="${key}"]`);
const scopeTab = (scope: string) => page.locator(`[role="tab"][data-scope="${scope}"]`);
const number = (value: number) => value.toLocaleString('en-US');

/** The selection: click the first, Ctrl+click the others. */
async function select(ids: string[]): Promise<void> {
  await row(ids[0]!).locator('.cell').nth(2).click();
  for (const id of ids.slice(1))
    await row(id)
      .locator('.cell')
      .nth(2)
      .click({ modifiers: ['Control'] });
  await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe(`${ids.length} selected`);
}

async function filter(text: string): Promise<void> {
  const box = page.getByTestId('run-filter');
  await box.fill(text);
  await box.press('Enter');
}

describe('the run table', () => {
  it(`lists ${number(RUNS)} runs, with only the rows in view in the page`, async () => {
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
    await expect.poll(count, { timeout: 20_000 }).toBe(`${number(RUNS)} runs`);
    expect(await scopeTab('active').textContent()).toMatch(/Active\s+2,000/);
    // Newest first, and only the rows in view are in the page.
    const newest = [...runs].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    await expect.poll(firstId).toBe(newest[0]!.id);
    expect(await rows().count()).toBeLessThan(60);
    for (const key of [
      'starred',
      'name',
      'status',
      'sweep',
      'model.kind',
      'val_accuracy',
      'test_accuracy',
      'stats.gzip_kb',
      'stats.latency_ms',
      'created',
    ]) {
      expect(await header(key).count(), key).toBe(1);
    }
    await page.screenshot({ path: screenshotPath('runs-01-table') });

    // To the end and back: the last page arrives as it scrolls in.
    const scroller = table().locator('.scroll');
    const started = performance.now();
    await scroller.evaluate((element) => (element.scrollTop = element.scrollHeight));
    await table().locator(`.row[aria-rowindex="${RUNS}"][data-run-id]`).waitFor();
    const toEndMs = performance.now() - started;
    expect(await table().locator(`.row[aria-rowindex="${RUNS}"]`).getAttribute('data-run-id')).toBe(newest.at(-1)!.id);
    expect(await rows().count()).toBeLessThan(60);
    console.log(`run table: ${number(RUNS)} runs, scrolled to the last row in ${toEndMs.toFixed(0)} ms`);
    await scroller.evaluate((element) => (element.scrollTop = 0));
  });

  it('filters with a typed query, completing keys and values, and says what it cannot read', async () => {
    const box = page.getByTestId('run-filter');
    await box.click();
    await box.pressSequentially('val_acc');
    const completions = page.getByTestId('filter-completions');
    await expect.poll(() => completions.getByRole('option').first().textContent()).toMatch(/^val_accuracy/);
    await box.press('Tab');
    expect(await box.inputValue()).toBe('val_accuracy ');
    await box.pressSequentially('> 0.9 and model.kind = ');
    await expect
      .poll(async () => (await completions.getByRole('option').allTextContents()).join(' '))
      .toMatch(/ds_cnn.*tiny_conv|tiny_conv.*ds_cnn/);
    await page.screenshot({ path: screenshotPath('runs-02-completions') });
    await box.pressSequentially('ds_c');
    await box.press('Tab');
    await box.pressSequentially('and status = done');
    expect(await box.inputValue()).toBe('val_accuracy > 0.9 and model.kind = ds_cnn and status = done');
    await box.press('Enter');
    const expected = runs.filter(
      (run) => run.status === 'done' && run.valAccuracy > 0.9 && run.spec.model.kind === 'ds_cnn',
    );
    await expect.poll(count).toBe(`${expected.length} of ${number(RUNS)} runs`);
    const shown = await rows().evaluateAll((elements) =>
      elements.map((element) => element.getAttribute('data-run-id')),
    );
    expect(shown.every((id) => expected.some((run) => run.id === id))).toBe(true);

    // A mistake is explained inline while the parts that parse keep filtering.
    await box.press('End');
    await box.pressSequentially(' and latency < and val_acc > 0.5');
    const problems = page.getByTestId('filter-problems');
    await expect.poll(() => problems.textContent()).toMatch(/expected a value after "latency <"/);
    await expect.poll(() => problems.textContent()).toMatch(/no run has "val_acc"; did you mean "val_accuracy"\?/);
    await page.screenshot({ path: screenshotPath('runs-03-filter-problems') });

    // Nothing matches: the empty state shows the filter and a way out.
    await filter('val_accuracy > 2');
    const none = page.getByTestId('runs-no-match');
    await none.waitFor();
    expect(await none.textContent()).toMatch(/val_accuracy > 2/);
    await page.screenshot({ path: screenshotPath('runs-04-no-match') });
    await none.getByRole('button', { name: 'Clear the filter' }).click();
    await expect.poll(count).toBe(`${number(RUNS)} runs`);
    await filter('val_accuracy > 0.9 and model.kind = ds_cnn and status = done');
    await expect.poll(count).toBe(`${expected.length} of ${number(RUNS)} runs`);
  });

  it('sorts by a clicked column, and by a second one with Shift', async () => {
    const expected = runs.filter(
      (run) => run.status === 'done' && run.valAccuracy > 0.9 && run.spec.model.kind === 'ds_cnn',
    );
    await header('test_accuracy').click();
    expect(await header('test_accuracy').getAttribute('aria-sort')).toBe('descending');
    const best = [...expected].sort((a, b) => b.testAccuracy - a.testAccuracy || (a.id < b.id ? -1 : 1));
    await expect.poll(firstId).toBe(best[0]!.id);
    await header('test_accuracy').click();
    expect(await header('test_accuracy').getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(firstId).toBe(best.at(-1)!.id);

    await header('model.kind').click();
    await header('stats.latency_ms').click({ modifiers: ['Shift'] });
    expect(await header('stats.latency_ms').getAttribute('aria-sort')).toBe('descending');
    expect(await header('stats.latency_ms').locator('.arrow').textContent()).toBe('▼2');
    await header('stats.latency_ms').click({ modifiers: ['Shift'] });
    expect(await header('stats.latency_ms').getAttribute('aria-sort')).toBe('ascending');
    const fastest = [...expected].sort((a, b) => a.latencyMs - b.latencyMs || (a.id < b.id ? -1 : 1));
    await expect.poll(firstId).toBe(fastest[0]!.id);
    await page.screenshot({ path: screenshotPath('runs-05-sorted') });
  });

  it('adds a column from any parameter through the column picker', async () => {
    await page.getByRole('button', { name: /^Columns/ }).click();
    const picker = page.getByTestId('column-picker');
    await picker.getByLabel('Search columns').fill('mfcc');
    await picker.getByText('features.mfccCount').waitFor();
    await page.screenshot({ path: screenshotPath('runs-06-column-picker') });
    await picker.locator('label', { hasText: 'features.mfccCount' }).getByRole('checkbox').check();
    await header('features.mfccCount').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => picker.count()).toBe(0);
    const mfcc = await rows().first().locator('.cell').nth(11).textContent();
    expect(['10', '13', '20', '40']).toContain(mfcc?.trim());
  });

  it('stars from the keyboard, tags and notes the selection', async () => {
    const [a, b, c] = (await rows().evaluateAll((elements) =>
      elements.slice(0, 3).map((element) => element.getAttribute('data-run-id')),
    )) as [string, string, string];
    await row(a).locator('.cell').nth(2).click();
    await page.keyboard.press('s');
    await expect
      .poll(() =>
        row(a)
          .getByRole('button', { name: /^Unstar/ })
          .count(),
      )
      .toBe(1);
    // Down, Space: the cursor moves and Space adds its run to the selection.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe('2 selected');
    expect(await row(b).getAttribute('aria-selected')).toBe('true');

    await select([a, b, c]);
    await page.getByRole('button', { name: 'Tags…' }).click();
    const editor = page.getByTestId('tag-editor');
    await editor.getByLabel('Tags to add or remove').fill('baseline, edge');
    await page.screenshot({ path: screenshotPath('runs-07-tag-editor') });
    await editor.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => row(c).locator('.tag').allTextContents()).toEqual(['baseline', 'edge']);
    expect(await row(a).locator('.tag').allTextContents()).toEqual(['baseline', 'edge']);

    await select([b]);
    await page.getByRole('button', { name: 'Note…' }).click();
    await page.getByTestId('note-editor').getByLabel('Note').fill('first with SpecAugment');
    await page.getByTestId('note-editor').getByRole('button', { name: 'Save note' }).click();
    await expect.poll(() => row(b).locator('.note').count()).toBe(1);

    // The tags filter and the starred toggle find them again.
    await filter('tags = edge');
    await expect.poll(count).toBe(`3 of ${number(RUNS)} runs`);
    await page.getByRole('button', { name: 'Starred', exact: true }).click();
    await expect.poll(count).toBe(`1 of ${number(RUNS)} runs`);
    await expect.poll(firstId).toBe(a);
    await page.getByRole('button', { name: 'Starred', exact: true }).click();
    await filter('tags = edge');
    await expect.poll(count).toBe(`3 of ${number(RUNS)} runs`);
    await page.screenshot({ path: screenshotPath('runs-07-tagged-filtered') });
  });

  it('archives, deletes and restores, with undo', async () => {
    const [a, b] = (await rows().evaluateAll((elements) =>
      elements.slice(0, 2).map((element) => element.getAttribute('data-run-id')),
    )) as [string, string];
    await select([a, b]);
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    const toast = page.getByTestId('undo-toast');
    await expect.poll(() => toast.textContent()).toMatch(/Archived 2 runs/);
    await expect.poll(() => scopeTab('archived').textContent()).toMatch(/Archived\s+2/);
    await expect.poll(count).toBe(`1 of ${number(RUNS - 2)} runs`);
    await page.screenshot({ path: screenshotPath('runs-08-undo') });
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => scopeTab('archived').textContent()).toMatch(/Archived\s+0/);
    await expect.poll(count).toBe(`3 of ${number(RUNS)} runs`);

    await select([a]);
    await page.keyboard.press('Delete');
    await expect.poll(() => scopeTab('deleted').textContent()).toMatch(/Deleted\s+1/);
    await scopeTab('deleted').click();
    await expect.poll(firstId).toBe(a);
    await select([a]);
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect.poll(() => scopeTab('deleted').textContent()).toMatch(/Deleted\s+0/);
    await scopeTab('active').click();
    await expect.poll(count).toBe(`3 of ${number(RUNS)} runs`);
  });

  it('groups by sweep under headers that fold', async () => {
    await page.getByRole('button', { name: 'Clear the filter' }).click();
    await expect.poll(count).toBe(`${number(RUNS)} runs`);
    await page.getByRole('button', { name: 'Group by sweep' }).click();
    const groups = page.getByTestId('sweep-group');
    await expect.poll(() => groups.count()).toBeGreaterThanOrEqual(1);
    const first = groups.first();
    const name = await first.getAttribute('data-sweep');
    expect(sweepNames).toContain(name);
    const members = runs.filter((run) => run.sweepId === sweepIds[sweepNames.indexOf(name!)]).length;
    expect(members).toBeGreaterThan(0);
    expect(await first.textContent()).toContain(`${members} runs`);
    await page.screenshot({ path: screenshotPath('runs-09-grouped') });
    await first.click();
    expect(await first.getAttribute('aria-expanded')).toBe('false');
    // Folded, the next sweep's header follows right under it.
    await expect.poll(async () => (await groups.nth(1).getAttribute('data-sweep')) !== name).toBe(true);
    await page.screenshot({ path: screenshotPath('runs-10-folded') });
    await first.click();
    await page.getByRole('button', { name: 'Group by sweep' }).click();
    await expect.poll(() => groups.count()).toBe(0);
  });

  /** A choice the page stored in its localStorage. */
  const stored = (key: string) =>
    page
      .evaluate(
        (name) =>
          (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem(
            name,
          ),
        key,
      )
      .then((text) => JSON.parse(text ?? 'null') as unknown);

  it('resizes a column by its edge and moves one by dragging its header, and remembers both', async () => {
    const order = () =>
      table()
        .locator('[role="columnheader"][data-key]')
        .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-key')));
    const widthOf = async (key: string) => (await header(key).boundingBox())!.width;
    const before = await widthOf('status');
    const handle = (await page.getByTestId('resize-status').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 80, handle.y + handle.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => widthOf('status')).toBeCloseTo(before + 80, 0);
    // Every row's cell follows its header.
    const cell = await rows()
      .first()
      .locator('[role="gridcell"]')
      .nth((await order()).indexOf('status') + 1)
      .boundingBox();
    expect(cell!.width).toBeCloseTo(before + 80, 0);
    expect(await stored('kws-studio.runColumnWidths')).toEqual({ status: Math.round(before + 80) });
    await page.screenshot({ path: screenshotPath('runs-09b-resized') });
    await page.getByTestId('resize-status').dblclick();
    await expect.poll(() => widthOf('status')).toBeCloseTo(before, 0);

    // Dragged onto the left half of the name header, status goes before name; Alt+→ moves it back.
    const start = await order();
    expect(start.indexOf('status')).toBe(start.indexOf('name') + 1);
    await header('status')
      .locator('button.sort')
      .dragTo(header('name'), { targetPosition: { x: 8, y: 10 } });
    await expect.poll(order).toEqual(start.map((key) => (key === 'name' ? 'status' : key === 'status' ? 'name' : key)));
    expect(await stored('kws-studio.runColumns')).toEqual(await order());
    await header('status').locator('button.sort').focus();
    await page.keyboard.press('Alt+ArrowRight');
    await expect.poll(order).toEqual(start);
  });

  it('exports the selection as CSV', async () => {
    const ids = (await rows().evaluateAll((elements) =>
      elements.slice(0, 3).map((element) => element.getAttribute('data-run-id')),
    )) as string[];
    await select(ids);
    await page.getByRole('button', { name: 'Export' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-menu').getByRole('button', { name: /^CSV/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^id,/);
    for (const key of ['name', 'val_accuracy', 'stats.gzip_kb']) expect(lines[0]).toContain(key);
    expect(
      lines
        .slice(1)
        .map((line) => line.split(',')[0])
        .sort(),
    ).toEqual([...ids].sort());
  });

  it('opens a run beside the table with Enter', async () => {
    await page.keyboard.press('Escape');
    const id = (await firstId())!;
    await row(id).locator('.cell').nth(2).click();
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('run-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-run-id')).toBe(id);
    const run = runs.find((item) => item.id === id)!;
    if (run.status === 'done') await detail.getByTestId('confusion-matrix').waitFor();
    // The cursor moves the panel along.
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => detail.getAttribute('data-run-id')).not.toBe(id);
    await page.screenshot({ path: screenshotPath('runs-11-detail') });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.screenshot({ path: screenshotPath('runs-11-detail-dark') });
    await page.getByRole('button', { name: 'Switch to light theme' }).click();

    // The full run view (step curves, a cell's clips, resume) is the Train page's; back on Runs the panel is as it was.
    const opened = await detail.getAttribute('data-run-id');
    await detail.getByTestId('open-on-train').click();
    await page.getByTestId('run-view').waitFor();
    expect(await page.getByTestId('run-view').textContent()).toContain(opened);
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    await expect.poll(() => detail.getAttribute('data-run-id')).toBe(opened);
    await page.keyboard.press('Escape');
    await expect.poll(() => detail.count()).toBe(0);
  });

  it('shows a run written by training while it is open, keeping the scroll and the selection', async () => {
    // Newest first again, so the new run comes in at the top, above the rows in view.
    await header('created').click();
    expect(await header('created').getAttribute('aria-sort')).toBe('descending');
    const scroller = table().locator('.scroll');
    await scroller.evaluate((element) => (element.scrollTop = 3200));
    // Row 110 is on the second page, which loads as it scrolls into view.
    await table().locator('.row[aria-rowindex="110"][data-run-id]').waitFor();
    const visible = (await rows().evaluateAll((elements) =>
      elements.map((element) => element.getAttribute('data-run-id')),
    )) as string[];
    await select([visible[10]!, visible[12]!]);
    const scrollTop = await scroller.evaluate((element) => element.scrollTop);

    // Another process (a training worker) writes a new run to the project.
    const other = new Database(path.join(projectDir, 'project.sqlite'));
    const [template] = syntheticRuns(1, { seed: 99, epochs: [2, 2] });
    insertSyntheticRun(other, snapshotId, {
      ...template!,
      id: 'run-live-000001',
      name: 'live run',
      createdAt: new Date().toISOString(),
      status: 'done',
    });
    other.close();

    await expect.poll(count, { timeout: 10_000 }).toBe(`${number(RUNS + 1)} runs`);
    expect(await scroller.evaluate((element) => element.scrollTop)).toBe(scrollTop);
    expect(await page.getByTestId('selection-count').textContent()).toBe('2 selected');
    await scroller.evaluate((element) => (element.scrollTop = 0));
    await expect.poll(firstId).toBe('run-live-000001');
  });

  it('compares two selected runs', async () => {
    const ids = (await rows().evaluateAll((elements) =>
      elements.slice(1, 3).map((element) => element.getAttribute('data-run-id')),
    )) as string[];
    await select(ids);
    const compare = page.getByTestId('compare-selected');
    expect(await compare.textContent()).toMatch(/Compare 2/);
    await compare.click();
    const comparePage = page.getByTestId('compare-page');
    await comparePage.waitFor();
    for (const id of ids) await comparePage.locator(`[data-run-id="${id}"]`).first().waitFor();
    await page.screenshot({ path: screenshotPath('runs-12-compare') });

    // Back on the Runs page the selection is still there.
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe('2 selected');
  });

  it('deletes every finished run, and empties the trash for good', async () => {
    // Queued runs may still start: the service refuses to delete them.
    await filter('status != queued');
    const kept = runs.filter((run) => run.status === 'queued').length;
    const deleted = RUNS + 1 - kept;
    await expect.poll(count).toBe(`${number(deleted)} of ${number(RUNS + 1)} runs`);
    await page.getByRole('button', { name: `Select all ${number(deleted)}` }).click();
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe(`${number(deleted)} selected`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.getByTestId('undo-toast').textContent()).toContain(`Deleted ${number(deleted)} runs`);
    await expect.poll(() => scopeTab('deleted').textContent()).toContain(`Deleted ${number(deleted)}`);
    await scopeTab('deleted').click();
    await table().click({ position: { x: 400, y: 60 } });
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe(`${number(deleted)} selected`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete forever' }).click();
    await expect.poll(() => scopeTab('deleted').textContent(), { timeout: 20_000 }).toContain('Deleted 0');
    expect(await scopeTab('active').textContent()).toContain(`Active ${kept}`);
    expect(fs.existsSync(path.join(projectDir, 'project.sqlite'))).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});

describe('the status column', () => {
  it('fits the pill of every status, interrupted included', async () => {
    // Runs in every state, written by another process as training writes them, at the top of the table.
    const other = new Database(path.join(projectDir, 'project.sqlite'));
    const [template] = syntheticRuns(1, { seed: 7, epochs: [2, 2] });
    const statuses = ['done', 'failed', 'cancelled', 'interrupted', 'running', 'queued'] as const;
    statuses.forEach((status, index) =>
      insertSyntheticRun(other, snapshotId, {
        ...template!,
        id: `run-status-${status}`,
        name: `pill ${status}`,
        createdAt: new Date(Date.now() + index).toISOString(),
        status,
      }),
    );
    other.close();
    await scopeTab('active').click();
    await filter('name ~ pill');
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(statuses.length);
    const pills = table().locator('.row[data-run-id^="run-status-"] [data-status]');
    await expect.poll(() => pills.count()).toBe(statuses.length);
    // Each pill ends inside its cell's padding: nothing cut off by the column.
    const overflows = await pills.evaluateAll((elements) =>
      elements.flatMap((element) => {
        const cell = element.closest('.cell')!;
        // This runs in the page; the test's own types have no DOM.
        const { paddingRight } = (
          globalThis as unknown as { getComputedStyle(element: unknown): { paddingRight: string } }
        ).getComputedStyle(cell);
        const room = cell.getBoundingClientRect().right - parseFloat(paddingRight);
        const right = element.parentElement!.getBoundingClientRect().right;
        return right > room + 0.5
          ? [`${element.getAttribute('data-status')}: ${Math.ceil(right - room)} px too wide`]
          : [];
      }),
    );
    expect(overflows).toEqual([]);
    await page.screenshot({ path: screenshotPath('runs-14-statuses') });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.screenshot({ path: screenshotPath('runs-14-statuses-dark') });
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(consoleErrors).toEqual([]);
  });
});

describe('the run table of a project without runs', () => {
  let empty: RunningServe;
  beforeAll(async () => {
    const studio = createServices({ home });
    await studio.services.project.create({ path: path.join(dir, 'fresh') });
    await studio.services.project.close();
    studio.dispose();
    empty = await startServe(['--project', path.join(dir, 'fresh')], { KWS_STUDIO_HOME: home });
  });
  afterAll(() => empty?.stop());

  it('says what to do next', async () => {
    await page.goto(empty.url);
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    const card = page.getByTestId('runs-empty');
    await card.waitFor();
    expect(await card.textContent()).toMatch(/No runs yet/);
    await page.screenshot({ path: screenshotPath('runs-13-empty') });
    await card.getByRole('button', { name: 'Go to Train' }).click();
    await page.getByRole('heading', { name: 'Train', exact: true }).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
