import { describe, expect, it } from 'vitest';
import {
  bundleSuffix,
  childFolder,
  describeChoice,
  formatKb,
  formatMs,
  formatPoints,
  formatQuantization,
  formatScale,
} from '../../../../src-renderer/lib/ship/shipFormat.ts';
import type { DeployStats, RunSummary } from '../../../../src-shared/model/Run.ts';
import type { StatComparison } from '../../../../src-shared/model/RunComparison.ts';
import { formatStat } from '../../../../src-renderer/pages/compare/formatStat.ts';
import { shownStats } from '../../../../src-renderer/pages/compare/shownStats.ts';

describe('Ship figures', () => {
  it('names a bundle as the export service names its archive', () => {
    expect(bundleSuffix({ format: 'tflite', quantize: 'int8', io: 'float32' })).toBe('tflite-int8-float-io');
    expect(bundleSuffix({ format: 'tflite', quantize: 'int8', io: 'int8' })).toBe('tflite-int8');
    expect(bundleSuffix({ format: 'tflm', quantize: 'float32', io: 'float32' })).toBe('tflm-float32');
    expect(bundleSuffix({ format: 'tfjs', quantize: 'float32', io: 'float32' })).toBe('tfjs');
    expect(childFolder('/home/ada/', 'run-1-tfjs')).toBe('/home/ada/run-1-tfjs');
    expect(childFolder('D:\\models', 'run-1-tfjs')).toBe('D:\\models\\run-1-tfjs');
    expect(describeChoice({ format: 'tflm', quantize: 'int8', io: 'int8', calibration: 300 })).toBe(
      'TFLite Micro · int8 · int8 I/O · 300 calibration inputs',
    );
  });

  it('writes sizes, times, scales and accuracy changes with the digits they deserve', () => {
    expect(formatKb(15_565)).toBe('15.2 KB');
    expect(formatKb(612)).toBe('0.60 KB');
    expect(formatMs(0.1834)).toBe('0.183 ms');
    expect(formatMs(4.518)).toBe('4.52 ms');
    expect(formatMs(31.44)).toBe('31.4 ms');
    expect(formatScale(0.00390625)).toBe('0.003906');
    expect(formatScale(0.000012)).toBe('1.200e−5');
    expect(formatQuantization({ scale: 0.0421, zeroPoint: -12 })).toBe('scale 0.0421 · zero point −12');
    expect(formatQuantization(null)).toBe('not quantized');
    expect(formatPoints(-0.0031)).toBe('−0.3 pt');
    expect(formatPoints(0.0004)).toBe('±0.0 pt');
    expect(formatPoints(0.012)).toBe('+1.2 pt');
  });

  it("shows Compare's int8 statistics only when a compared run has them, from the runs' summaries", () => {
    const gzip: StatComparison = {
      key: 'gzip_kb',
      label: 'Compressed size (gzip)',
      unit: 'KiB',
      better: 'lower',
      values: [10, 12],
      best: [0],
    };
    const deploy = (zlibBytes: number, accuracy: number, latencyMs: number | null): DeployStats => ({
      io: 'float32',
      rawBytes: 3 * zlibBytes,
      zlibBytes,
      zipBytes: zlibBytes + 150,
      accuracy,
      floatAccuracy: 0.95,
      agreement: 0.99,
      testClips: 412,
      calibrationInputs: 300,
      arenaBytes: 7_680,
      latencyMs,
      referenceLatencyMs: null,
    });
    const summary = (d?: DeployStats) => ({ deploy: d }) as RunSummary;
    const none = shownStats({ stats: [gzip], runs: [{ summary: summary() }, { summary: null }] });
    expect(none.map((s) => s.key)).toEqual(['gzip_kb']);

    // One run exported, one not: the int8 rows show, with a dash for the other and no best of one.
    const one = shownStats({
      stats: [gzip],
      runs: [{ summary: summary() }, { summary: summary(deploy(22_480, 0.951, 5.8)) }],
    });
    expect(one.map((s) => [s.key, s.values, s.best])).toEqual([
      ['gzip_kb', [10, 12], [0]],
      ['tflite_int8_zlib_kb', [null, 22_480 / 1024], []],
      ['tflite_int8_accuracy', [null, 0.951], []],
      ['tflite_int8_agreement', [null, 0.99], []],
      ['tflite_int8_latency_ms', [null, 5.8], []],
      ['tflite_int8_arena_kb', [null, 7.5], []],
    ]);
    // Both exported: the best is marked; a latency no interpreter measured is left out of it.
    const both = shownStats({
      stats: [gzip],
      runs: [{ summary: summary(deploy(30_000, 0.96, null)) }, { summary: summary(deploy(22_480, 0.951, 5.8)) }],
    });
    expect(Object.fromEntries(both.map((s) => [s.key, s.best]))).toMatchObject({
      tflite_int8_zlib_kb: [1],
      tflite_int8_accuracy: [0],
      tflite_int8_agreement: [0, 1],
      tflite_int8_latency_ms: [],
    });
    // When the comparison lists int8 statistics itself, those are shown as they are.
    const listed = { ...gzip, key: 'tflite_int8_accuracy', values: [0.5, null], best: [] } as unknown as StatComparison;
    expect(
      shownStats({
        stats: [gzip, listed],
        runs: [{ summary: summary() }, { summary: summary(deploy(1, 0.9, 1)) }],
      }).map((s) => [s.key, s.values]),
    ).toEqual([
      ['gzip_kb', [10, 12]],
      ['tflite_int8_accuracy', [0.5, null]],
    ]);

    expect(formatStat('tflite_int8_accuracy', 0.951)).toBe('95.10 %');
    expect(formatStat('tflite_int8_zlib_kb', 23.71)).toBe('23.7 KB');
    expect(formatStat('tflite_int8_arena_kb', 7.5)).toBe('7.50 KB');
    expect(formatStat('tflite_int8_latency_ms', 5.8)).toBe('5.80 ms');
    expect(formatStat('tflite_int8_agreement', null)).toBe('—');
  });
});
