import { z } from 'zod';
import type { DemoWorkerMessage } from '../services/demo/renderWordsInWorkers.ts';
import { writeWordClips } from '../services/demo/generateDemoDataset.ts';

/** Renders the demo words it is sent, one at a time, reporting each clip written. */
const WordJobSchema = z.object({
  seed: z.number().int(),
  word: z.string().regex(/^[a-z]+$/),
  count: z.number().int().min(1),
  dir: z.string().min(1),
});
const send = (message: DemoWorkerMessage) => process.send?.(message);

process.on('message', (message: unknown) => {
  const job = WordJobSchema.safeParse(message);
  if (!job.success) {
    send({ type: 'error', message: `demo worker got an invalid job: ${job.error.message}` });
    return;
  }
  writeWordClips(job.data, (file) => send({ type: 'clip', file })).then(
    () => send({ type: 'done', word: job.data.word }),
    (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
