import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { createFeatureExtractor, type FeatureExtractor } from '../../src-shared/dsp/createFeatureExtractor.ts';
import { decodeAudio } from '../services/audio/decodeAudio.ts';
import type { FromFeatureWorker, ToFeatureWorker } from '../services/features/featureWorkerMessages.ts';

/** A feature worker thread: decodes the files it is sent and returns their features. */
let extract: FeatureExtractor | null = null;
const send = (message: FromFeatureWorker, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);

parentPort!.on('message', async (message: ToFeatureWorker) => {
  if (message.type === 'spec') {
    extract = createFeatureExtractor(message.spec);
    return;
  }
  for (const job of message.jobs) {
    try {
      const audio = await decodeAudio(fs.readFileSync(job.file), job.file);
      const started = performance.now();
      const matrix = extract!(audio.mono, audio.sampleRate);
      const computeMs = performance.now() - started;
      send({ type: 'result', key: job.key, ...matrix, computeMs }, [matrix.data.buffer as ArrayBuffer]);
    } catch (error) {
      send({ type: 'failed', key: job.key, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  send({ type: 'idle' });
});
