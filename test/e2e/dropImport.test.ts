import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createServices } from '../../src-main/services/createServices.ts';
import { fsddDir, fsddMissing, hasFsdd } from '../support/sharedData.ts';
import { launchChromium, screenshotPath } from '../support/launchChromium.ts';
import { startServe, type RunningServe } from '../support/startServe.ts';
import { tempDir } from '../support/tempDir.ts';
import { encodeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir('kws-e2e-drop-');
const home = path.join(dir, 'home');
const projectDir = path.join(dir, 'dropped');
const staging = path.join(projectDir, 'staging');
let serve: RunningServe;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

// The few browser globals the page-side functions below use (this test compiles without the DOM library).
declare const document: { querySelector(selector: string): { dispatchEvent(event: DragEvent): boolean } | null };
declare class DataTransfer {
  readonly items: { add(file: File): unknown };
}
declare class DragEvent {
  constructor(type: string, init: { dataTransfer: DataTransfer; bubbles: boolean; cancelable: boolean });
}

interface DropFile {
  /** Relative path as a folder drop gives it ("commands/yes/a.wav"), or a bare name. */
  path: string;
  base64: string;
}

beforeAll(async () => {
  const studio = createServices({ home });
  await studio.services.project.create({ path: projectDir, name: 'Dropped' });
  studio.dispose();
  serve = await startServe(['--project', projectDir], { KWS_STUDIO_HOME: home });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/**
 * Starts dragging files over the library as the operating system would: a DataTransfer of File
 * objects. Files inside folders carry their path in webkitRelativePath, which is what the page
 * reads when a dropped item has no directory entry (as with a synthetic drop).
 */
async function dragOver(files: readonly DropFile[]): Promise<void> {
  await page.evaluate((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (char) => char.charCodeAt(0));
      const file = new File([bytes], item.path.slice(item.path.lastIndexOf('/') + 1));
      if (item.path.includes('/')) Object.defineProperty(file, 'webkitRelativePath', { value: item.path });
      transfer.items.add(file);
    }
    (globalThis as unknown as { pendingDrop: DataTransfer }).pendingDrop = transfer;
    const target = document.querySelector('main')!;
    target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
}

async function dropNow(): Promise<void> {
  await page.evaluate(() => {
    const transfer = (globalThis as unknown as { pendingDrop: DataTransfer }).pendingDrop;
    document
      .querySelector('main')!
      .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
}

const fsddFile = (name: string, as = name): DropFile => ({
  path: as,
  base64: fs.readFileSync(path.join(fsddDir, name)).toString('base64'),
});
const chipCount = async (label: string) =>
  Number(await page.locator(`button.chip[data-label="${label}"] .n`).textContent());
const stagingEntries = () => (fs.existsSync(staging) ? fs.readdirSync(staging) : []);

describe.skipIf(!hasFsdd)(`drag and drop import in a browser${hasFsdd ? '' : ` (${fsddMissing})`}`, () => {
  it('uploads a flat FSDD drop, detects the file-name pattern, imports it and removes the staging folder', async () => {
    await page.goto(serve.url);
    await page.getByText('This project has no clips yet.').waitFor();
    const files = ['george', 'lucas'].flatMap((speaker) =>
      [0, 1, 2, 3, 4].map((digit) => fsddFile(`${digit}_${speaker}_0.wav`)),
    );
    await dragOver([...files, { path: 'notes.txt', base64: Buffer.from('recorded on tuesday').toString('base64') }]);
    await page.getByTestId('drop-zone').waitFor();
    await page.screenshot({ path: screenshotPath('09a-drop-zone') });
    await dropNow();
    await page.getByTestId('drop-zone').waitFor({ state: 'detached' });

    const source = page.getByTestId('dropped-source');
    await source.waitFor();
    expect(await source.textContent()).toMatch(/Dropped files\s*10 files/);
    expect(await page.getByText('Not uploaded:').textContent()).toContain('notes.txt');
    // The pattern is chosen because it labels more of the drop than the folder layout does.
    await expect.poll(() => page.getByLabel('Labels in file names:').isChecked()).toBe(true);
    const preview = page.getByTestId('import-preview');
    await expect.poll(() => preview.textContent()).toContain('10 files to import');
    expect(await preview.textContent()).toContain('0_george_0.wav');
    expect(stagingEntries()).toHaveLength(1);
    await page.screenshot({ path: screenshotPath('09b-drop-preview') });

    await page.getByRole('button', { name: 'Import 10 files' }).click();
    await expect.poll(() => page.getByTestId('clip-count').textContent(), { timeout: 60_000 }).toBe('10 clips');
    await page.getByRole('status').filter({ hasText: '10 imported' }).waitFor();
    expect(await chipCount('3')).toBe(2);
    await expect.poll(stagingEntries).toEqual([]);
    await page.screenshot({ path: screenshotPath('09c-drop-imported') });
  });

  it('edits the speaker of the open clip, which undo puts back', async () => {
    await page.getByRole('button', { name: 'Close import' }).click();
    await page.locator('button.chip[data-label="3"]').click();
    await expect.poll(() => page.getByTestId('clip-count').textContent()).toBe('2 clips');
    await page.locator('.row[data-clip-id]').first().click();
    const field = page.getByLabel('Speaker of this clip');
    const before = await field.inputValue();
    expect(['george', 'lucas']).toContain(before);
    await field.fill('anna');
    await field.evaluate((input) => input.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: screenshotPath('09d-speaker-edit') });
    await field.press('Enter');
    await page.locator('.row.cursor').filter({ hasText: 'anna' }).waitFor();
    await expect.poll(() => field.inputValue()).toBe('anna');
    await page.locator('body').press('Control+z');
    await page.locator('.row.cursor').filter({ hasText: before }).waitFor();
    await expect.poll(() => field.inputValue()).toBe(before);
  });

  it('imports a dropped Speech Commands folder with one folder per label and its background noise', async () => {
    await page.locator('button.chip', { hasText: 'All' }).click();
    // 9 MB of background noise: it travels in several calls, and must arrive bit-exact.
    const noise = encodeTestWav(
      Float64Array.from({ length: 4_500_000 }, (_, i) => 0.2 * Math.sin(i / 3) * Math.sin(i / 4000)),
    );
    await dragOver([
      fsddFile('7_jackson_1.wav', 'commands/seven/7_jackson_1.wav'),
      fsddFile('7_nicolas_1.wav', 'commands/seven/7_nicolas_1.wav'),
      fsddFile('8_jackson_1.wav', 'commands/eight/8_jackson_1.wav'),
      { path: 'commands/_background_noise_/hum.wav', base64: noise.toString('base64') },
      { path: 'commands/.DS_Store', base64: 'AAAA' },
    ]);
    await dropNow();
    await expect
      .poll(() => page.getByTestId('dropped-source').textContent())
      .toMatch(/Dropped folder\s*commands\s*4 files/);
    await expect.poll(() => page.getByLabel(/One folder per label/).isChecked()).toBe(true);
    const preview = page.getByTestId('import-preview');
    await expect.poll(() => preview.textContent()).toMatch(/4 files to import\s*\(1 background noise\)/);
    expect(await page.getByText('Not uploaded:').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('09e-drop-folders-preview') });

    await page.getByRole('button', { name: 'Import 4 files' }).click();
    await page.getByRole('status').filter({ hasText: '3 imported' }).waitFor();
    await expect.poll(() => chipCount('seven')).toBe(2);
    expect(await chipCount('eight')).toBe(1);
    await expect.poll(() => page.getByTestId('clip-count').textContent()).toBe('13 clips');
    await page.locator('button.chip', { hasText: 'background noise' }).waitFor();
    await expect.poll(stagingEntries).toEqual([]);

    // The catalog names each clip by where it was dropped from, not by the staging folder.
    const db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true });
    const sources = db
      .prepare("SELECT source_path FROM clips WHERE source_path LIKE 'commands/%' ORDER BY source_path")
      .pluck()
      .all();
    const noiseHash = db.prepare("SELECT hash FROM clips WHERE kind = 'noise'").pluck().get();
    db.close();
    expect(noiseHash).toBe(createHash('sha256').update(noise).digest('hex'));
    expect(sources).toEqual([
      'commands/_background_noise_/hum.wav',
      'commands/eight/8_jackson_1.wav',
      'commands/seven/7_jackson_1.wav',
      'commands/seven/7_nicolas_1.wav',
    ]);
  });

  it('shows the upload progress, and a cancelled upload leaves nothing behind', async () => {
    await page.getByRole('button', { name: 'Close import' }).click();
    // 96 MB of generated audio: large enough to watch it travel.
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      for (let index = 0; index < 6; index++) {
        const samples = 8_000_000;
        const bytes = new Uint8Array(44 + samples * 2);
        const view = new DataView(bytes.buffer);
        const text = (offset: number, value: string) =>
          [...value].forEach((char, i) => view.setUint8(offset + i, char.charCodeAt(0)));
        text(0, 'RIFF');
        view.setUint32(4, 36 + samples * 2, true);
        text(8, 'WAVE');
        text(12, 'fmt ');
        view.setUint32(16, 16, true);
        view.setUint16(20, 1, true);
        view.setUint16(22, 1, true);
        view.setUint32(24, 16000, true);
        view.setUint32(28, 32000, true);
        view.setUint16(32, 2, true);
        view.setUint16(34, 16, true);
        text(36, 'data');
        view.setUint32(40, samples * 2, true);
        for (let i = 0; i < samples; i++)
          view.setInt16(44 + i * 2, Math.round(8000 * Math.sin((i * (index + 1)) / 7)), true);
        transfer.items.add(new File([bytes], `long_take_${index}.wav`));
      }
      document
        .querySelector('main')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    const progress = page.getByTestId('upload-progress');
    await progress.waitFor();
    expect(await progress.textContent()).toMatch(/Uploading dropped files: 6 files, [\d.]+ of 96 MB/);
    await expect
      .poll(() => progress.locator('progress').evaluate((bar) => (bar as unknown as { value: number }).value))
      .toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('09f-upload-progress') });
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await progress.waitFor({ state: 'detached' });
    await expect.poll(stagingEntries).toEqual([]);
    expect(await page.getByTestId('dropped-source').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
  it("imports a folder chosen with the browser's folder chooser, uploaded like a drop", async () => {
    const picked = path.join(dir, 'picked');
    fs.mkdirSync(picked, { recursive: true });
    for (const name of ['9_jackson_1.wav', '9_nicolas_1.wav', '9_george_1.wav'])
      fs.copyFileSync(path.join(fsddDir, name), path.join(picked, name));
    const before = Number(/^(\d+) clips$/.exec((await page.getByTestId('clip-count').textContent()) ?? '')?.[1]);
    if (!(await page.getByTestId('import-preview').count()))
      await page.getByRole('button', { name: 'Import…' }).click();
    await page.getByRole('button', { name: 'Choose folder…' }).waitFor();
    await page.getByTestId('folder-picker').setInputFiles(picked);
    await expect.poll(() => page.getByTestId('dropped-source').textContent()).toMatch(/picked\s*3 files/);
    await expect.poll(() => page.getByLabel(/Labels in file names/).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Import 3 files' }).click();
    await expect.poll(() => page.getByTestId('clip-count').textContent()).toBe(`${before + 3} clips`);
    await expect.poll(() => chipCount('9')).toBe(3);
    await expect.poll(stagingEntries).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
