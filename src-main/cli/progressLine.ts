import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';

/**
 * A progress line on stderr, redrawn at most ten times a second and only on a terminal: piped
 * output and --json stay clean.
 */
export function progressLine(json: boolean | undefined, detail: (progress: TaskProgress) => string) {
  let last = 0;
  return (progress: TaskProgress) => {
    if (json || !process.stderr.isTTY || progress.total === 0) return;
    const finished = progress.state !== 'running';
    if (!finished && performance.now() - last < 100) return;
    last = performance.now();
    const line = `${progressBar(progress.done / progress.total)} ${detail(progress).slice(0, 50)}`;
    process.stderr.write(
      `\r${line.padEnd(process.stderr.columns ? Math.min(process.stderr.columns - 1, 90) : 90)}${finished ? '\n' : ''}`,
    );
  };
}

function progressBar(fraction: number): string {
  const width = 24;
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}
