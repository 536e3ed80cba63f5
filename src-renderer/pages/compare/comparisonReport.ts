import type { ClassMetricKey } from '../../../src-shared/compare/bestPerClass.ts';
import type { ClipDifferences, RunComparison } from '../../../src-shared/model/RunComparison.ts';
import { className } from '../../lib/ui/className.ts';
import { formatRunValue, formatStat } from './formatStat.ts';
import { differenceCells, runCells, type MatrixCell, type MatrixMode } from '../../lib/ui/confusionCells.ts';

export interface ReportInput {
  comparison: RunComparison;
  /** Each run's colour, in run order. */
  colors: string[];
  /** Charts as they were on screen, as PNG data URLs. */
  charts: { title: string; image: string }[];
  matrixMode: MatrixMode;
  differences: ClipDifferences | null;
  projectName: string | null;
  createdAt: Date;
  /** The studio's theme when exported: the report wears it too, so its charts (drawn on screen) match the page. */
  theme: 'light' | 'dark';
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

// The studio's two palettes (app.css), so the matrices' colour mixes and the charts read as they did on screen.
const PALETTES = {
  light:
    '--bg: #f6f7f9; --panel: #ffffff; --panel-2: #f0f2f5; --border: #dde1e7; --text: #1c2230; --muted: #5d6677; --accent: #2f6fed; --ok: #1f8a4c; --warn: #b26a00; --error: #c62f3b; color-scheme: light;',
  dark: '--bg: #12161f; --panel: #1a202c; --panel-2: #222a38; --border: #2e3749; --text: #e4e8f1; --muted: #98a2b6; --accent: #5b8cff; --ok: #4cc38a; --warn: #f0b041; --error: #ff6b77; color-scheme: dark;',
};
const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; padding: 28px 36px 48px; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 0 0 10px; } h3 { font-size: 14px; margin: 14px 0 8px; }
section { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 16px 18px; margin-top: 16px; }
.muted { color: var(--muted); } .small { font-size: 12px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--border); text-align: left; white-space: nowrap; }
thead th { background: var(--panel-2); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.best { color: var(--ok); font-weight: 700; }
.changed { background: color-mix(in srgb, var(--warn) 13%, transparent); font-weight: 600; }
.section-row th { background: var(--bg); color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: 0.4px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; vertical-align: baseline; }
.mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
.chart { max-width: 100%; border: 1px solid var(--border); border-radius: 8px; }
.matrices { display: flex; flex-wrap: wrap; gap: 20px 28px; align-items: flex-start; }
.matrix table { border-collapse: separate; border-spacing: 2px; }
.matrix th, .matrix td { border: none; padding: 0; font-size: 11px; }
.matrix th.row { text-align: right; padding-right: 6px; font-weight: 500; }
.matrix th.col { vertical-align: bottom; height: 70px; width: 30px; }
.matrix th.col span { display: block; writing-mode: vertical-rl; transform: rotate(180deg); margin: 0 auto; font-weight: 500; }
.matrix td { width: 30px; height: 30px; text-align: center; font-weight: 600; border-radius: 4px; border: 1px solid var(--border); }
.matrix td.strong { color: #fff; } .matrix td.empty { color: var(--muted); background: var(--panel-2); border-color: transparent; font-weight: 400; }
.matrix figcaption { font-weight: 600; font-size: 13px; margin-bottom: 6px; }
figure { margin: 0; }
.side-by-side { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; }
.side-by-side h3 { margin-top: 0; }
`;

/** The comparison as one self-contained HTML file: inline CSS, charts as PNG data URLs, no scripts, nothing fetched. */
export function comparisonReport({
  comparison,
  colors,
  charts,
  matrixMode,
  differences,
  projectName,
  createdAt,
  theme,
}: ReportInput): string {
  const runs = comparison.runs;
  const swatch = (index: number) =>
    `<span class="swatch" style="background:${escapeHtml(colors[index] ?? '#888')}"></span>`;
  const runHeads = runs.map((run, index) => `<th class="num">${swatch(index)}${escapeHtml(run.name)}</th>`).join('');
  const baselineIndex = Math.max(
    0,
    runs.findIndex((run) => run.id === comparison.baselineRunId),
  );
  const baseline = runs[baselineIndex]!;

  const runList = runs
    .map((run, index) => {
      const details = [
        run.status,
        run.sweepName ? `sweep ${run.sweepName}` : '',
        run.tags.length ? `tags: ${run.tags.join(', ')}` : '',
        new Date(run.createdAt).toLocaleString(),
      ]
        .filter(Boolean)
        .join(' · ');
      return `<tr><td>${swatch(index)}<strong>${escapeHtml(run.name)}</strong>${run.id === comparison.baselineRunId ? ' <span class="muted">(baseline)</span>' : ''}</td><td class="muted">${escapeHtml(details)}</td><td class="muted mono">${escapeHtml(run.id)}</td></tr>${run.note ? `<tr><td></td><td colspan="2" class="muted small">${escapeHtml(run.note)}</td></tr>` : ''}`;
    })
    .join('');

  let section = '';
  const diffRows = comparison.configDiff
    .map((row) => {
      const nested = /^([^.[]+)[.[]/.exec(row.key);
      const group = nested ? nested[1]! : 'training';
      const header =
        group !== section
          ? `<tr class="section-row"><th colspan="${runs.length + 1}">${escapeHtml(group)}</th></tr>`
          : '';
      section = group;
      const cells = row.values
        .map(
          (value, index) =>
            `<td class="mono${index !== baselineIndex && value !== row.values[baselineIndex] ? ' changed' : ''}">${escapeHtml(formatRunValue(value))}</td>`,
        )
        .join('');
      return `${header}<tr><th class="mono">${escapeHtml(row.key)}</th>${cells}</tr>`;
    })
    .join('');

  const statRows = comparison.stats
    .map((stat) => {
      const cells = stat.values
        .map(
          (value, index) =>
            `<td class="num${stat.best.includes(index) ? ' best' : ''}">${escapeHtml(formatStat(stat.key, value))}${stat.best.includes(index) ? ' ★' : ''}</td>`,
        )
        .join('');
      return `<tr><th>${escapeHtml(stat.label)}${stat.better ? ` <span class="muted">${stat.better === 'higher' ? '↑' : '↓'}</span>` : ''}</th>${cells}</tr>`;
    })
    .join('');

  const classTable = (metric: ClassMetricKey, title: string) => {
    const rows = comparison.perClass
      .map((row) => {
        const cells = row.values[metric]
          .map((value, index) => {
            const best = row.best[metric].includes(index) && row.best[metric].length < runs.length;
            return `<td class="num${best ? ' best' : ''}">${value === null ? '—' : (value * 100).toFixed(1)}${best ? ' ★' : ''}</td>`;
          })
          .join('');
        return `<tr><th>${escapeHtml(className(row.label))}</th>${cells}</tr>`;
      })
      .join('');
    return `<div><h3>${title} (%)</h3><table><thead><tr><th>Class</th>${runHeads}</tr></thead><tbody>${rows}</tbody></table></div>`;
  };

  const matrix = (title: string, color: string | undefined, classes: readonly string[], cells: MatrixCell[][]) => {
    const head = classes.map((name) => `<th class="col"><span>${escapeHtml(className(name))}</span></th>`).join('');
    const body = cells
      .map((row, actual) => {
        const tds = row
          .map(
            (cell) =>
              `<td class="${cell.strong ? 'strong' : ''}${cell.empty ? ' empty' : ''}" style="background:${cell.empty ? '' : escapeHtml(cell.background)}" title="${escapeHtml(cell.title)}">${escapeHtml(cell.text)}</td>`,
          )
          .join('');
        return `<tr><th class="row">${escapeHtml(className(classes[actual]!))}</th>${tds}</tr>`;
      })
      .join('');
    const dot = color ? `<span class="swatch" style="background:${escapeHtml(color)}"></span>` : '';
    return `<figure class="matrix"><figcaption>${dot}${escapeHtml(title)}</figcaption><table><thead><tr><th></th>${head}</tr></thead><tbody>${body}</tbody></table></figure>`;
  };
  const runMatrices = runs
    .map((run, index) => {
      const confusion = comparison.confusions[index];
      return confusion
        ? matrix(
            run.name,
            colors[index],
            confusion.classes,
            runCells(confusion.classes, confusion.confusion, matrixMode),
          )
        : '';
    })
    .join('');
  const differenceMatrices = comparison.confusionDifferences
    .map((difference) => {
      const index = runs.findIndex((run) => run.id === difference.runId);
      return matrix(
        `${runs[index]?.name ?? difference.runId} − baseline`,
        colors[index],
        difference.classes,
        differenceCells(difference.classes, difference.counts, difference.rates, matrixMode),
      );
    })
    .join('');

  const clipSummary = differences
    ? (() => {
        const a = runs.find((run) => run.id === differences.baseRunId)?.name ?? differences.baseRunId;
        const b = runs.find((run) => run.id === differences.otherRunId)?.name ?? differences.otherRunId;
        return `<section><h2>Clip-level differences</h2><p>${escapeHtml(b)} against ${escapeHtml(a)}, on ${differences.compared} clips both predicted${differences.split ? ` (${differences.split} split)` : ''}:
          <strong class="best">${differences.counts.fixed} fixed</strong>, <strong style="color:var(--error)">${differences.counts.broken} broken</strong>, ${differences.counts.both_wrong} wrong in both, differently.</p></section>`;
      })()
    : '';

  const title = `Comparison of ${runs.length} runs`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — KWS Studio</title>
<style>:root { ${PALETTES[theme]} }${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${projectName ? `${escapeHtml(projectName)} · ` : ''}made with KWS Studio on ${escapeHtml(createdAt.toLocaleString())} · baseline: ${escapeHtml(baseline.name)}</p>
<section><h2>Runs</h2><table><tbody>${runList}</tbody></table></section>
<section><h2>Configuration</h2>${
    comparison.configDiff.length === 0
      ? '<p class="muted">The runs share every setting.</p>'
      : `<p class="muted small">Only the settings that differ; highlighted where a run differs from the baseline.</p><table><thead><tr><th>Setting</th>${runHeads}</tr></thead><tbody>${diffRows}</tbody></table>`
  }</section>
${charts.map((chart) => `<section><h2>${escapeHtml(chart.title)}</h2><img class="chart" alt="${escapeHtml(chart.title)}" src="${escapeHtml(chart.image)}"></section>`).join('\n')}
<section><h2>Model</h2><table><thead><tr><th>Statistic</th>${runHeads}</tr></thead><tbody>${statRows}</tbody></table>
<p class="muted small">↑ higher is better, ↓ lower; ★ the best. Latency: features + model, batch 1, on the machine that trained the run.</p></section>
<section><h2>Per class (test split)</h2><div class="side-by-side">${classTable('f1', 'F1')}${classTable('precision', 'Precision')}${classTable('recall', 'Recall')}</div><p class="muted small">★ the best run for a class (none when all tie).</p></section>
<section><h2>Confusion matrices (test split, ${matrixMode === 'counts' ? 'counts' : 'row %'})</h2><p class="muted small">Rows: actual class; columns: predicted.</p><div class="matrices">${runMatrices}</div>
${differenceMatrices ? `<h3>Difference from the baseline (${escapeHtml(baseline.name)})</h3><p class="muted small">Green: better than the baseline (more right on the diagonal, fewer mistakes off it); red: worse.</p><div class="matrices">${differenceMatrices}</div>` : ''}</section>
${clipSummary}
</body>
</html>
`;
}
