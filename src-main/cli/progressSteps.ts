import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';

/** Off a terminal (a log, `npm start`): one plain line on stdout per tenth of the work done. */
export function progressSteps(title: string) {
  let shown = -1;
  return (progress: TaskProgress) => {
    if (progress.state !== 'running' || progress.total === 0) return;
    const tenths = Math.floor((progress.done / progress.total) * 10);
    if (tenths <= shown) return;
    shown = tenths;
    console.log(`${title}… ${tenths * 10}%`);
  };
}
