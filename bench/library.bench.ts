import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDispatcher } from '../src-shared/contract/dispatch.ts';
import { createRandom } from '../src-shared/random/createRandom.ts';
import type { ClipFilter, ClipSort } from '../src-shared/model/ClipQuery.ts';
import { naturalSortKey } from '../src-shared/model/naturalSortKey.ts';
import { startServeHost } from '../src-main/host/startServeHost.ts';
import { createServices } from '../src-main/services/createServices.ts';
import { createProject } from '../src-main/services/project/createProject.ts';
import { launchChromium } from '../test/support/launchChromium.ts';
import { recordBenchmark } from './recordBenchmark.ts';
import { repoRoot } from './repoRoot.ts';

const CLIPS = 100_000;
const LABELS = [
  'yes',
  'no',
  'up',
  'down',
  'left',
  'right',
  'on',
  'off',
  'stop',
  'go',
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'bed',
  'bird',
  'cat',
  'dog',
  'happy',
  'house',
  'marvin',
  'sheila',
  'tree',
  'wow',
  'backward',
  'forward',
  'follow',
  'learn',
  'visual',
];
const SPLITS = ['train', 'train', 'train', 'train', 'train', 'train', 'train', 'train', 'validation', 'test'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(runs: number, action: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await action();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** A Speech Commands–sized catalog (100,000 clips, 35 labels, ~2,600 speakers) written straight to SQLite. */
function createCatalog(dir: string): { projectDir: string; seconds: number } {
  const projectDir = path.join(dir, 'catalog');
  const project = createProject(projectDir, 'bench: 100k clips');
  const random = createRandom(42);
  const started = performance.now();
  const { db } = project;
  db.transaction(() => {
    const label = db.prepare('INSERT INTO labels (name, created_at) VALUES (?, ?)');
    LABELS.forEach((name) => label.run(name, new Date().toISOString()));
    const insert =
      db.prepare(`INSERT INTO clips (hash, ext, source_path, original_name, name_key, label_id, speaker, take, split,
      duration_ms, sample_rate, channels, bits_per_sample, num_frames, added_at)
      VALUES (?, 'wav', ?, ?, ?, ?, ?, ?, ?, ?, 16000, 1, 16, ?, ?)`);
    for (let i = 0; i < CLIPS; i++) {
      const labelIndex = random.int(0, LABELS.length - 1);
      const speaker = `spk${random.int(0, 2599).toString(16).padStart(4, '0')}`;
      const take = random.int(0, 4);
      const duration = random.next() < 0.9 ? 1000 : random.int(400, 999);
      const hash = `${i.toString(16).padStart(8, '0')}${'0'.repeat(56)}`;
      const name = `${speaker}_nohash_${take}.wav`;
      insert.run(
        hash,
        `/data/${LABELS[labelIndex]}/${name}`,
        name,
        naturalSortKey(name),
        labelIndex + 1,
        speaker,
        String(take),
        random.pick(SPLITS),
        duration,
        duration * 16,
        new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      );
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { projectDir, seconds };
}

export async function runLibraryBench(): Promise<void> {
  const rendererIndex = path.join(repoRoot, 'out', 'renderer', 'index.html');
  if (!fs.existsSync(rendererIndex))
    throw new Error('The renderer is not built: run `npm run build` first (npm run bench does).');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kws-bench-library-'));
  try {
    const { projectDir, seconds: insertSeconds } = createCatalog(dir);
    const studio = createServices({ home: path.join(dir, 'home') });
    await studio.services.project.open({ path: projectDir });
    const { library } = studio.services;
    const db = studio.session.require().db;

    // Ours: the queries the library makes.
    const byLabel: ClipSort = { key: 'label', direction: 'asc' };
    const firstPage = await time(15, () => library.listClips({ sort: byLabel, offset: 0, limit: 200 }));
    const deepPage = await time(15, () => library.listClips({ sort: byLabel, offset: CLIPS - 200, limit: 200 }));
    const yesFilter: ClipFilter = { labels: ['yes'], splits: ['train'] };
    const filtered = await time(15, () =>
      library.listClips({ filter: yesFilter, sort: { key: 'duration', direction: 'desc' }, limit: 200 }),
    );
    const search = await time(15, () => library.listClips({ filter: { search: 'spk01a' }, limit: 200 }));
    const selectAll = await time(5, () => library.clipIds({ sort: byLabel }));
    const labelCounts = await time(15, () => library.labelCounts());
    const flagCounts = await time(15, () => library.flagCounts());
    const statistics = await time(5, () => library.statistics());

    // Peer: what a script or a non-paged tool does — load the whole catalog, then filter and sort in memory.
    const naive = await time(5, () => {
      const rows = db
        .prepare(
          'SELECT c.*, l.name AS label FROM clips c LEFT JOIN labels l ON l.id = c.label_id WHERE c.deleted_at IS NULL',
        )
        .all() as { label: string | null; original_name: string; id: number }[];
      rows.sort(
        (a, b) =>
          (a.label ?? '').localeCompare(b.label ?? '') || a.original_name.localeCompare(b.original_name) || a.id - b.id,
      );
      return rows.slice(0, 200);
    });

    // First render in Chromium through serve mode, against a plain HTML table of the same catalog.
    const host = await startServeHost({
      dispatcher: createDispatcher(studio.services),
      staticDir: path.dirname(rendererIndex),
    });
    const browser = await launchChromium();
    const renders: number[] = [];
    const scrolls: number[] = [];
    let peerRender = 0;
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        await page.goto(host.url);
        await page.locator('.spacer .row[data-clip-id]').first().waitFor({ timeout: 60_000 });
        renders.push(performance.now() - started);
        const scrollStarted = performance.now();
        await page.locator('.spacer .row').first().click();
        await page.keyboard.press('End');
        await page.locator(`.spacer .row[aria-rowindex="${CLIPS}"][data-clip-id]`).waitFor({ timeout: 60_000 });
        scrolls.push(performance.now() - scrollStarted);
      }
      const rows = db
        .prepare(
          'SELECT c.original_name, l.name AS label, c.speaker, c.split, c.duration_ms, c.sample_rate FROM clips c LEFT JOIN labels l ON l.id = c.label_id ORDER BY l.name, c.original_name, c.id',
        )
        .all() as Record<string, string | number | null>[];
      const plain = path.join(dir, 'plain-table.html');
      fs.writeFileSync(
        plain,
        `<!doctype html><meta charset="utf-8"><table><thead><tr><th>File</th><th>Label</th><th>Speaker</th><th>Split</th><th>Duration</th><th>Rate</th></tr></thead><tbody>${rows
          .map(
            (row) =>
              `<tr><td>${row.original_name}</td><td>${row.label}</td><td>${row.speaker}</td><td>${row.split}</td><td>${row.duration_ms}</td><td>${row.sample_rate}</td></tr>`,
          )
          .join('')}</tbody></table>`,
      );
      const peerPage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const peerSamples: number[] = [];
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        await peerPage.goto(`file://${plain}`, { waitUntil: 'load', timeout: 120_000 });
        // Two animation frames after load: the table has been laid out and painted.
        await peerPage.evaluate(
          'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
        );
        peerSamples.push(performance.now() - started);
      }
      peerRender = median(peerSamples);
    } finally {
      await browser.close();
      await host.close();
      studio.dispose();
    }

    const render = median(renders);
    const scroll = median(scrolls);
    const lines = [
      `catalog: ${CLIPS.toLocaleString('en-US')} clips, ${LABELS.length} labels, inserted in ${insertSeconds.toFixed(2)} s`,
      `first page (200 rows + count, sorted by label): ${firstPage.toFixed(1)} ms`,
      `deepest page (offset ${CLIPS - 200}): ${deepPage.toFixed(1)} ms`,
      `label + split filter, sorted by duration: ${filtered.toFixed(1)} ms`,
      `free-text search: ${search.toFixed(1)} ms`,
      `select all (every id in order): ${selectAll.toFixed(1)} ms`,
      `label counts: ${labelCounts.toFixed(1)} ms`,
      `flag counts (refreshed after every edit): ${flagCounts.toFixed(1)} ms; full statistics: ${statistics.toFixed(1)} ms`,
      `peer, load whole catalog and sort in memory: ${naive.toFixed(1)} ms`,
      `first render in Chromium (navigation to first rows): ${render.toFixed(0)} ms`,
      `jump to the last of ${CLIPS.toLocaleString('en-US')} rows (End key): ${scroll.toFixed(0)} ms`,
      `peer, plain HTML table of the catalog (load to paint): ${peerRender.toFixed(0)} ms`,
      `library_query_vs_naive=${(naive / firstPage).toFixed(1)}`,
      `library_render_vs_plain_table=${(peerRender / render).toFixed(1)}`,
    ];
    for (const line of lines) console.log(line);
    recordBenchmark(
      'library',
      'npm run bench -- library',
      `The library on a ${CLIPS.toLocaleString('en-US')}-clip catalog (medians). Ratios above 1 mean the studio is faster than the peer.\n\n| measure | result |\n| --- | --- |\n${lines
        .map((line) => {
          const at = line.lastIndexOf(line.includes('=') && !line.includes(' ') ? '=' : ':');
          return `| ${line.slice(0, at)} | ${line.slice(at + 1).trim()} |`;
        })
        .join('\n')}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
