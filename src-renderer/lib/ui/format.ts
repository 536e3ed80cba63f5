/** Number and time formats shared by the pages that show runs and models. */

/** 23,712 → "23.7 k", 2,640,000 → "2.64 M": model sizes as people quote them. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)} G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)} M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)} k`;
  return Math.round(value).toLocaleString('en-US');
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** 0.9375 → "93.8 %". */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)} %`;
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
    : `${m}:${String(s).padStart(2, '0')}`;
}

/** "just now", "5 min ago", "3 h ago", then the date. */
export function formatAge(iso: string, now = Date.now()): string {
  const then = new Date(iso).getTime();
  if (!Number.isFinite(then)) return '';
  const seconds = Math.max(0, (now - then) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    year: seconds > 300 * 86400 ? 'numeric' : undefined,
  });
}

/** A learning rate or other small number, short but exact enough: 0.0005 → "5e-4", 0.01 → "0.01". */
export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(1).replace('.0e', 'e');
  return String(Number(value.toPrecision(3)));
}

const modelKindNames: Record<string, string> = {
  tiny_conv: 'tiny_conv',
  conv: 'conv',
  low_latency_conv: 'low_latency_conv',
  ds_cnn: 'DS-CNN',
  rep_inception: 'Rep-Inception',
};

export function modelKindName(kind: string): string {
  return modelKindNames[kind] ?? kind;
}

/** A DS-CNN's block filters, short: [64, 64, 64, 64] → "64×4", [90, 45, 45] → "90-45-45". */
export function formatBlocks(blocks: readonly number[]): string {
  return blocks.length > 1 && blocks.every((filters) => filters === blocks[0])
    ? `${blocks[0]}×${blocks.length}`
    : blocks.join('-');
}
