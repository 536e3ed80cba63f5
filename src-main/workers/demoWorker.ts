import { z } from 'zod';
import type { DemoWorkerMessage } from '../services/demo/renderSpeakersInWorkers.ts';
import { writeSpeakerClips } from '../services/demo/generateDemoDataset.ts';

/** Renders the demo speakers it is sent, one at a time, reporting each clip written. */
const SpeakerJobSchema = z.object({
  seed: z.number().int(),
  speaker: z.number().int().min(0),
  words: z.array(z.object({ word: z.string().regex(/^[a-z]+$/), count: z.number().int().min(0) })).min(1),
  dir: z.string().min(1),
});
const send = (message: DemoWorkerMessage) => process.send?.(message);

process.on('message', (message: unknown) => {
  const job = SpeakerJobSchema.safeParse(message);
  if (!job.success) {
    send({ type: 'error', message: `demo worker got an invalid job: ${job.error.message}` });
    return;
  }
  writeSpeakerClips(job.data, (file) => send({ type: 'clip', file })).then(
    () => send({ type: 'done', speaker: job.data.speaker }),
    (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
