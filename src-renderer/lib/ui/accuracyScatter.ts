import type { ChartDataset } from 'chart.js';
import type { SweepConstraints } from '../../../src-shared/model/SweepSpec.ts';
import { themeColors } from './themeColors.ts';

export type ScatterPoint = { x: number; y: number; trial?: number };

/**
 * The parts of a validation-accuracy-against-size-or-latency scatter that the sweep page and the
 * Compare page draw alike: the trial dots (Pareto front joined in the accent colour, trials missing a
 * constraint hollow), the constraints as dashed lines, the axes and the legend. Each chart adds its
 * own tooltip and interaction.
 */
/** The x axis: the float model's gzip size, its latency, or the int8 TFLite model's zlib-9 size (what ships). */
export type ScatterAxis = 'gzip' | 'latency' | 'int8';

export function accuracyScatter(input: {
  x: ScatterAxis;
  constraints: SweepConstraints;
  front: ScatterPoint[];
  meets: ScatterPoint[];
  misses: ScatterPoint[];
  /** More trial dots, drawn after the three groups (and counted for the axis). */
  more?: ChartDataset<'scatter', ScatterPoint[]>[];
  pointRadius: number;
  /** The accuracy axis's bounds, and where a vertical constraint line runs. */
  y: { min?: number; max?: number; lineFrom: number; lineTo: number };
}) {
  const { x, constraints, pointRadius } = input;
  const { accent, muted, border, text, warn } = themeColors();
  const unit = x === 'latency' ? 'ms' : 'KB';
  const more = input.more ?? [];
  const xs = [input.front, input.meets, input.misses, ...more.map((dataset) => dataset.data)]
    .flat()
    .map((point) => point.x);
  const bound =
    (x === 'gzip' ? constraints.maxGzipKb : x === 'int8' ? constraints.maxInt8ZlibKb : constraints.maxLatencyMs) ??
    null;
  // A bound far beyond every trial would squash the dots against the axis: it stays in the legend only.
  const far = bound !== null && xs.length > 0 && bound > 3 * Math.max(...xs);
  const xHigh = Math.max(...xs, far ? 0 : (bound ?? 0), 1e-3) * 1.08;
  const lines = [];
  if (bound !== null)
    lines.push({
      label: `max ${bound} ${unit}${far ? ' (off the axis →)' : ''}`,
      data: far
        ? []
        : [
            { x: bound, y: input.y.lineFrom },
            { x: bound, y: input.y.lineTo },
          ],
    });
  if (constraints.minValAccuracy !== null)
    lines.push({
      label: `min ${(constraints.minValAccuracy * 100).toFixed(0)} %`,
      data: [
        { x: 0, y: constraints.minValAccuracy },
        { x: xHigh, y: constraints.minValAccuracy },
      ],
    });

  const datasets: ChartDataset<'scatter', ScatterPoint[]>[] = [
    {
      label: 'Pareto front',
      data: input.front,
      showLine: true,
      borderColor: accent,
      backgroundColor: accent,
      pointRadius: 6,
      pointHoverRadius: 8,
      borderWidth: 2,
    },
    {
      label: 'meets constraints',
      data: input.meets,
      borderColor: muted,
      backgroundColor: muted,
      pointRadius,
      pointHoverRadius: 7,
    },
    {
      label: 'misses a constraint',
      data: input.misses,
      borderColor: muted,
      backgroundColor: 'transparent',
      pointRadius,
      pointHoverRadius: 7,
      borderWidth: 1.5,
    },
    ...more,
    ...lines.map((line) => ({
      ...line,
      showLine: true,
      borderColor: warn,
      backgroundColor: warn,
      borderDash: [6, 4],
      borderWidth: 1.5,
      pointRadius: 0,
      pointHoverRadius: 0,
    })),
  ];
  const scales = {
    x: {
      type: 'linear' as const,
      min: 0,
      title: {
        display: true,
        text: x === 'gzip' ? 'gzip size (KB)' : x === 'int8' ? 'int8 TFLite size, zlib -9 (KB)' : 'latency (ms)',
        color: muted,
      },
      ticks: { color: muted },
      grid: { color: border },
    },
    y: {
      type: 'linear' as const,
      ...(input.y.min !== undefined ? { min: input.y.min } : {}),
      ...(input.y.max !== undefined ? { max: input.y.max } : {}),
      title: { display: true, text: x === 'int8' ? 'int8 test accuracy' : 'validation accuracy', color: muted },
      ticks: { color: muted, callback: (value: string | number) => `${Math.round(Number(value) * 100)} %` },
      grid: { color: border },
    },
  };
  const legend = {
    position: 'top' as const,
    align: 'end' as const,
    labels: { color: text, boxWidth: 12, padding: 10, font: { size: 11.5 } },
  };
  /** A dot's tooltip after the trial's settings: "93.8 % at 12.40 KB". */
  const describe = (parsed: { x: number | null; y: number | null }) =>
    `${(parsed.y! * 100).toFixed(1)} % at ${parsed.x!.toFixed(2)} ${unit}`;
  return { datasets, scales, legend, describe };
}
