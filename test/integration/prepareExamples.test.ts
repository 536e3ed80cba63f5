import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainSpec } from '../../src-shared/model/TrainSpec.ts';
import { createRandom } from '../../src-shared/random/createRandom.ts';
import { SPLITS } from '../../src-shared/training/planDataset.ts';
import { openProject } from '../../src-main/services/project/openProject.ts';
import { audioPath } from '../../src-main/services/project/projectLayout.ts';
import { createSnapshot } from '../../src-main/services/runs/store/createSnapshot.ts';
import { snapshotClips } from '../../src-main/services/runs/store/snapshotClips.ts';
import { prepareExamples, type PreparedExamples } from '../../src-main/services/training/prepareExamples.ts';
import type { RunSource } from '../../src-main/services/training/RunSource.ts';
import { TrainingCancelled } from '../../src-main/services/training/TrainingCancelled.ts';
import { createWordsProject, smallSpec } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-prepare-');
const projectDir = path.join(dir, 'project');
await createWordsProject(path.join(dir, 'home'), projectDir);
const project = openProject(projectDir);
const clips = snapshotClips(project.db, createSnapshot(project.db));

// Two threads whatever the machine, so the threaded path really runs (a sweep's trial sets the same variable).
const threadsBefore = process.env.TF_NUM_INTRAOP_THREADS;
process.env.TF_NUM_INTRAOP_THREADS = '2';
afterAll(() => {
  if (threadsBefore === undefined) delete process.env.TF_NUM_INTRAOP_THREADS;
  else process.env.TF_NUM_INTRAOP_THREADS = threadsBefore;
  project.db.close();
});

/** A run source whose feature cache is its own folder, so each case starts from an empty cache. */
function sourceWith(spec: TrainSpec, cacheName: string): RunSource {
  return { runId: 'r', spec, clips, layout: { ...project.layout, featureCache: path.join(dir, cacheName) } };
}

async function prepare(source: RunSource, minMissesForThreads: number) {
  const messages: string[] = [];
  const examples = await prepareExamples({
    source,
    progress: ({ message }) => messages.push(message),
    signal: new AbortController().signal,
    minMissesForThreads,
  });
  return { examples, messages };
}

/** Every cache entry's name and bytes, to compare two caches. */
function cacheFiles(source: RunSource): Map<string, Buffer> {
  const names = (fs.readdirSync(source.layout.featureCache, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.feat'))
    .sort();
  return new Map(names.map((name) => [name, fs.readFileSync(path.join(source.layout.featureCache, name))]));
}

/** A digest of the arrays' exact bytes: equal digests mean bit-identical features. */
function bytesOf(arrays: Float32Array[]): string {
  const hash = createHash('sha256');
  for (const array of arrays) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return `${arrays.length} arrays ${hash.digest('hex')}`;
}

function expectSameExamples(a: PreparedExamples, b: PreparedExamples) {
  for (const split of SPLITS) expect(bytesOf(b.raw[split])).toBe(bytesOf(a.raw[split]));
  expect(bytesOf(b.validation)).toBe(bytesOf(a.validation));
  expect(bytesOf(b.test)).toBe(bytesOf(a.test));
  expect(b.maker.stats).toEqual(a.maker.stats);
  expect(b.latencyItem).toEqual(a.latencyItem);
}

/** How many clips the plan uses (examples without a clip are `_silence_`). */
function clipsIn(examples: PreparedExamples): number {
  return new Set(SPLITS.flatMap((split) => examples.plan.items[split].flatMap((item) => item.clipId ?? []))).size;
}

describe('preparing a run’s examples', () => {
  it('computes the same features over worker threads as one at a time, caches the same bytes, and reads them back', async () => {
    const spec = smallSpec(1);
    const alone = sourceWith(spec, 'cache-alone');
    const threaded = sourceWith(spec, 'cache-threaded');
    const one = await prepare(alone, Infinity);
    const many = await prepare(threaded, 1);
    const clipCount = clipsIn(one.examples);
    expect(clipCount).toBeGreaterThan(40);

    expect(one.messages.some((message) => /threads/.test(message))).toBe(false);
    // One at a time, every clip is decoded here. With threads, only those training augments and the
    // latency clip (a test clip), whose features are then computed here too; the threads do the rest,
    // and nothing they failed at is decoded again.
    const trainClips = many.examples.plan.items.train.filter((item) => item.clipId !== null).length;
    const inThreads = clipCount - trainClips - 1;
    expect(one.messages.filter((message) => message.startsWith('Loading audio 0/'))).toEqual([
      `Loading audio 0/${clipCount}`,
    ]);
    expect(many.messages.filter((message) => message.startsWith('Loading audio 0/'))).toEqual([
      `Loading audio 0/${trainClips + 1}`,
    ]);
    expect(many.messages).toContain(`Computing features ${inThreads}/${inThreads} on 2 threads`);
    expect(one.messages).toContain(`Features ready (0 from the cache, ${clipCount} computed)`);
    expect(many.messages).toContain(`Features ready (0 from the cache, ${clipCount} computed)`);
    expectSameExamples(one.examples, many.examples);
    // The spec augments audio, so training examples are made each epoch from audio loaded here.
    expect(many.examples.trainStatic).toBeNull();
    const trainAudio = (examples: PreparedExamples) =>
      bytesOf(
        examples.plan.items.train.flatMap((item) =>
          item.clipId === null ? [] : [examples.maker.audioOf(item, false, createRandom(0))],
        ),
      );
    expect(trainAudio(many.examples)).toBe(trainAudio(one.examples));

    const aloneFiles = cacheFiles(alone);
    expect(aloneFiles.size).toBe(clipCount);
    expect(cacheFiles(threaded)).toEqual(aloneFiles);

    const again = await prepare(threaded, 1);
    expect(again.messages).toContain(`Features ready (${clipCount} from the cache, 0 computed)`);
    expect(again.messages.some((message) => /threads/.test(message))).toBe(false);
    expectSameExamples(one.examples, again.examples);
  }, 60_000);

  it('without audio augmentation, loads only the latency clip’s audio and keeps the training examples once', async () => {
    const spec: TrainSpec = { ...smallSpec(1), data: { ...smallSpec(1).data, timeShiftMs: 0, backgroundFrequency: 0 } };
    const one = await prepare(sourceWith(spec, 'cache-static-alone'), Infinity);
    const many = await prepare(sourceWith(spec, 'cache-static-threaded'), 1);
    expectSameExamples(one.examples, many.examples);
    expect(many.examples.trainStatic).toBe(many.examples.raw.train);
    expect(many.messages.filter((message) => message.startsWith('Loading audio 0/'))).toEqual(['Loading audio 0/1']);
    const others = clipsIn(many.examples) - 1;
    expect(many.messages).toContain(`Computing features ${others}/${others} on 2 threads`);
  }, 60_000);

  it('stops with TrainingCancelled when cancelled while the threads work', async () => {
    const controller = new AbortController();
    const source = sourceWith(smallSpec(1), 'cache-cancelled');
    const messages: string[] = [];
    const prepared = prepareExamples({
      source,
      signal: controller.signal,
      minMissesForThreads: 1,
      progress: ({ message }) => {
        messages.push(message);
        if (message.startsWith('Loading audio')) controller.abort();
      },
    });
    await expect(prepared).rejects.toBeInstanceOf(TrainingCancelled);
    expect(messages.some((message) => message.startsWith('Features ready'))).toBe(false);
  }, 60_000);

  it('names a clip whose audio is missing from the store, with or without threads', async () => {
    const spec = smallSpec(1);
    const { examples } = await prepare(sourceWith(spec, 'cache-probe'), Infinity);
    const victim = clips.find(
      (clip) =>
        clip.clipId ===
        examples.plan.items.validation.find(
          (item) => item.clipId !== null && item.clipId !== examples.latencyItem.clipId,
        )!.clipId,
    )!;
    const file = audioPath(project.layout, victim.hash, victim.ext);
    fs.renameSync(file, `${file}.away`);
    try {
      const missing = `The audio of clip ${victim.clipId} is missing from the project store (${file}).`;
      await expect(prepare(sourceWith(spec, 'cache-missing-alone'), Infinity)).rejects.toThrow(missing);
      await expect(prepare(sourceWith(spec, 'cache-missing-threaded'), 1)).rejects.toThrow(missing);
    } finally {
      fs.renameSync(`${file}.away`, file);
    }
  }, 60_000);
});
