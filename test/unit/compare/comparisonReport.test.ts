import { describe, expect, it } from 'vitest';
import { comparisonReport, type ReportInput } from '../../../src-renderer/pages/compare/comparisonReport.ts';
import type { ClipDifferences, ComparedRun, RunComparison } from '../../../src-shared/model/RunComparison.ts';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';

const EVIL = '<script>alert("x")</script>';
const EVIL_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==';

function run(id: string, name: string, extra: Partial<ComparedRun> = {}): ComparedRun {
  return {
    id,
    name,
    status: 'done',
    error: null,
    sweepId: null,
    sweepName: null,
    createdAt: '2026-05-01T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    tags: [],
    note: '',
    starred: false,
    spec: {} as TrainSpec,
    summary: null,
    series: {},
    ...extra,
  };
}

function comparison(): RunComparison {
  return {
    runs: [
      run('run-a', 'Baseline & co', { tags: ['fast & small'], note: 'tried <b>wider</b> "filters"' }),
      run('run-b', EVIL),
    ],
    baselineRunId: 'run-a',
    configDiff: [
      { key: 'epochs', values: [10, 20] },
      { key: 'model.kind', values: ['ds_cnn', 'conv'] },
      { key: 'model.dropout', values: [0.1, 0.1] },
    ],
    metricKeys: ['val_accuracy'],
    confusions: [
      {
        runId: 'run-a',
        classes: ['go', 'stop'],
        confusion: [
          [8, 2],
          [1, 9],
        ],
      },
      {
        runId: 'run-b',
        classes: ['go', 'stop'],
        confusion: [
          [9, 1],
          [5, 5],
        ],
      },
    ],
    confusionDifferences: [
      {
        runId: 'run-b',
        baselineRunId: 'run-a',
        classes: ['go', 'stop'],
        counts: [
          [1, -1],
          [4, -4],
        ],
        rates: [
          [0.1, -0.1],
          [0.4, -0.4],
        ],
      },
    ],
    perClass: [
      {
        label: '_unknown_',
        values: { f1: [0.5, 0.75], precision: [0.6, 0.6], recall: [null, 0.8] },
        best: { f1: [1], precision: [0, 1], recall: [1] },
      },
    ],
    stats: [
      { key: 'test_accuracy', label: 'Test accuracy', unit: '', better: 'higher', values: [0.9375, 0.95], best: [1] },
    ],
  };
}

function report(overrides: Partial<ReportInput> = {}): string {
  return comparisonReport({
    comparison: comparison(),
    colors: ['#4c78a8', '#e45756'],
    charts: [{ title: 'Validation <accuracy>', image: PNG }],
    matrixMode: 'counts',
    differences: null,
    projectName: "Tom's project",
    createdAt: new Date('2026-05-02T12:00:00Z'),
    theme: 'light',
    ...overrides,
  });
}

describe('comparisonReport', () => {
  it('escapes every piece of user text and never lets a run name become a tag', () => {
    const html = report();
    expect(html).not.toContain(EVIL);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(
      `<th class="num"><span class="swatch" style="background:#e45756"></span>${EVIL_ESCAPED}</th>`,
    );
    expect(html).toContain('<strong>Baseline &amp; co</strong>');
    expect(html).toContain('tried &lt;b&gt;wider&lt;/b&gt; &quot;filters&quot;');
    expect(html).toContain('tags: fast &amp; small');
    expect(html).toContain('Tom&#39;s project · ');
    expect(html).toContain('<h2>Validation &lt;accuracy&gt;</h2>');
  });

  it('is self-contained: no scripts, links or remote sources, only the charts as given', () => {
    const html = report({ theme: 'dark' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<iframe|@import|url\(|https?:/i);
    expect(html).toContain(`<img class="chart" alt="Validation &lt;accuracy&gt;" src="${PNG}">`);
    expect([...html.matchAll(/src="([^"]*)"/g)].map((match) => match[1])).toEqual([PNG]);
    expect(html).toContain('<title>Comparison of 2 runs — KWS Studio</title>');
  });

  it('wears the palette of the theme it was exported in', () => {
    const dark = report({ theme: 'dark' });
    expect(dark).toContain('color-scheme: dark;');
    expect(dark).toContain('--bg: #12161f;');
    expect(dark).not.toContain('color-scheme: light');
    const light = report({ theme: 'light' });
    expect(light).toContain('color-scheme: light;');
    expect(light).toContain('--bg: #f6f7f9;');
    expect(light).not.toContain('color-scheme: dark');
  });

  it('marks the baseline once in the run list and names it in the header', () => {
    const html = report();
    expect(html.match(/\(baseline\)/g)).toHaveLength(1);
    expect(html).toContain('<strong>Baseline &amp; co</strong> <span class="muted">(baseline)</span>');
    expect(html).toContain('baseline: Baseline &amp; co</p>');
    expect(html).toContain('<h3>Difference from the baseline (Baseline &amp; co)</h3>');
  });

  it('groups the differing settings and highlights where a run departs from the baseline', () => {
    const html = report();
    expect(html).toContain(
      '<tr class="section-row"><th colspan="3">training</th></tr><tr><th class="mono">epochs</th><td class="mono">10</td><td class="mono changed">20</td></tr>' +
        '<tr class="section-row"><th colspan="3">model</th></tr><tr><th class="mono">model.kind</th><td class="mono">ds_cnn</td><td class="mono changed">conv</td></tr>' +
        '<tr><th class="mono">model.dropout</th><td class="mono">0.1</td><td class="mono">0.1</td></tr>',
    );
    const same = report({ comparison: { ...comparison(), configDiff: [] } });
    expect(same).toContain('The runs share every setting.');
    expect(same).not.toContain('<tr class="section-row">');
  });

  it('stars the best statistic and per-class value, but no one when all tie', () => {
    const html = report();
    expect(html).toContain(
      '<tr><th>Test accuracy <span class="muted">↑</span></th><td class="num">93.8 %</td><td class="num best">95.0 % ★</td></tr>',
    );
    expect(html).toContain('<tr><th>unknown</th><td class="num">50.0</td><td class="num best">75.0 ★</td></tr>');
    expect(html).toContain('<tr><th>unknown</th><td class="num">60.0</td><td class="num">60.0</td></tr>');
    expect(html).toContain('<tr><th>unknown</th><td class="num">—</td><td class="num best">80.0 ★</td></tr>');
  });

  it('draws each run’s matrix and the difference from the baseline with the shared cell styles', () => {
    const html = report();
    expect(html).toContain('Confusion matrices (test split, counts)');
    expect(html.match(/<figure class="matrix">/g)).toHaveLength(3);
    expect(html).toContain(
      '<figcaption><span class="swatch" style="background:#4c78a8"></span>Baseline &amp; co</figcaption>',
    );
    expect(html).toContain(
      `<figcaption><span class="swatch" style="background:#e45756"></span>${EVIL_ESCAPED} − baseline</figcaption>`,
    );
    // Baseline: 8 of 10 right → accent at 82 %.
    expect(html).toContain(
      '<td class="strong" style="background:color-mix(in srgb, var(--accent) 82%, var(--panel))" title="actual go → predicted go: 8 of 10 (80.0 %)">8</td>',
    );
    // B gets 4 fewer stops right, the largest change → error at 90 %.
    expect(html).toContain(
      '<td class="strong" style="background:color-mix(in srgb, var(--error) 90%, var(--panel))" title="actual stop → predicted stop: −4 clips, −40.0 points of the row">−4</td>',
    );
    const rates = report({ matrixMode: 'rates' });
    expect(rates).toContain('Confusion matrices (test split, row %)');
    expect(rates).toContain('title="actual go → predicted go: 8 of 10 (80.0 %)">80</td>');
  });

  it('leaves out what it has nothing for: matrices of unfinished runs, differences, clip summary', () => {
    const base = comparison();
    const html = report({ comparison: { ...base, confusions: [base.confusions[0]!, null], confusionDifferences: [] } });
    expect(html.match(/<figure class="matrix">/g)).toHaveLength(1);
    expect(html).not.toContain('Difference from the baseline');
    expect(html).not.toContain('Clip-level differences');
  });

  it('summarises the clip-level differences between two runs by name', () => {
    const differences: ClipDifferences = {
      baseRunId: 'run-a',
      otherRunId: 'run-b',
      split: 'test',
      compared: 40,
      baseCorrect: 30,
      otherCorrect: 32,
      counts: { fixed: 5, broken: 3, both_wrong: 2 },
      fixed: [],
      broken: [],
      bothWrong: [],
    };
    const html = report({ differences });
    expect(html).toContain(
      `<h2>Clip-level differences</h2><p>${EVIL_ESCAPED} against Baseline &amp; co, on 40 clips both predicted (test split):`,
    );
    expect(html).toContain(
      '<strong class="best">5 fixed</strong>, <strong style="color:var(--error)">3 broken</strong>, 2 wrong in both, differently.',
    );
  });
});
