import type {
  ExportFormat,
  ExportIoType,
  ExportQuantization,
  TensorQuantizationInfo,
} from '../../../src-shared/model/ExportBundle.ts';

export {
  defaultExportIo as defaultIo,
  exportBundleSuffix as bundleSuffix,
} from '../../../src-shared/model/ExportBundle.ts';

/** What an export is made of, defaults filled in: the options a report and a bundle's name describe. */
export interface ShipChoice {
  format: ExportFormat;
  quantize: ExportQuantization;
  io: ExportIoType;
  calibration: number;
}

/** Short names for the format picker; the service's own names and descriptions go in its tooltips. */
export const formatLabels: Record<ExportFormat, string> = {
  tflite: 'TFLite',
  tflm: 'TFLite Micro',
  tfjs: 'TF.js',
};

/** A child of a folder the system's dialog returned, with that system's separator. */
export function childFolder(parent: string, name: string): string {
  const separator = parent.includes('\\') && !parent.includes('/') ? '\\' : '/';
  return parent.endsWith(separator) ? parent + name : parent + separator + name;
}

/** The choice in words, e.g. "TFLite · int8 · float32 I/O · 300 calibration inputs". */
export function describeChoice(choice: ShipChoice): string {
  const parts = [formatLabels[choice.format]];
  if (choice.format !== 'tfjs') {
    parts.push(choice.quantize);
    if (choice.quantize === 'int8') parts.push(`${choice.io} I/O`, `${choice.calibration} calibration inputs`);
  }
  return parts.join(' · ');
}

/** Bytes in KB (1024 bytes, as the run statistics count them): 18534 → "18.1 KB", 612 → "0.60 KB". */
export function formatKb(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const kb = bytes / 1024;
  return `${kb.toFixed(kb < 10 ? 2 : 1)} KB`;
}

/** The exact byte count, for a tooltip: "18,534 bytes". */
export function formatByteCount(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'}`;
}

/** Milliseconds with the digits a timing deserves: 0.183 → "0.183 ms", 4.52 → "4.52 ms", 31.4 → "31.4 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const digits = ms < 1 ? 3 : ms < 10 ? 2 : 1;
  return `${ms.toFixed(digits)} ms`;
}

/** A tensor's shape as a device reads it: [1, 49, 10, 1] → "1 × 49 × 10 × 1". */
export function formatShape(shape: readonly number[]): string {
  return shape.join(' × ');
}

/** An int8 tensor's quantization: "scale 0.0421 · zero point −12"; a float tensor has none. */
export function formatQuantization(quantization: TensorQuantizationInfo | null): string {
  if (!quantization) return 'not quantized';
  const zeroPoint = String(quantization.zeroPoint).replace('-', '−');
  return `scale ${formatScale(quantization.scale)} · zero point ${zeroPoint}`;
}

/** A scale short but exact enough to copy: 0.00390625 → "0.003906", 0.0421 → "0.0421", 1.5e-5 → "1.500e-5". */
export function formatScale(scale: number): string {
  if (scale !== 0 && Math.abs(scale) < 1e-4) return scale.toExponential(3).replace('e-', 'e−');
  return String(Number(scale.toPrecision(4)));
}

/** A change of accuracy in points: −0.0031 → "−0.3 pt", 0 → "±0.0 pt". */
export function formatPoints(delta: number): string {
  const points = delta * 100;
  const rounded = Math.abs(points).toFixed(1);
  if (rounded === '0.0') return '±0.0 pt';
  return `${points > 0 ? '+' : '−'}${rounded} pt`;
}
