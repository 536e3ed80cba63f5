import type { DemoWorkerMessage } from '../services/demo/renderWordsInWorkers.ts';
import { writeWordClips, type WordJob } from '../services/demo/generateDemoDataset.ts';

/** Renders the demo words it is sent, one at a time, reporting each clip written. */
const send = (message: DemoWorkerMessage) => process.send?.(message);

process.on('message', (job: WordJob) => {
  writeWordClips(job, (file) => send({ type: 'clip', file })).then(
    () => send({ type: 'done', word: job.word }),
    (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
