import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { FeatureSpec } from '../../src-shared/model/FeatureSpec.ts';
import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { createWordsProject } from '../support/trainingData.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir('kws-extract-all-');
const home = path.join(dir, 'home');

/**
 * `kws-studio features extract` through the feature service alone: extractAll on worker threads with
 * progress events, cancelled part-way by the task its first event names, then run again and again.
 * Called through the schema-checking dispatcher, as the UI would.
 */
describe("extracting every clip's features through the feature service", () => {
  it('reports progress from the start, cancels part-way keeping what it cached, then serves the rest and all of it from the cache', async () => {
    const projectDir = path.join(dir, 'project');
    await createWordsProject(home, projectDir, { perWord: 48 });
    const studio = createServices({ home });
    const dispatcher = createDispatcher(studio.services);
    const client = createClient({
      invoke: (channel, input) => dispatcher.call(channel, input),
      subscribe: dispatcher.subscribe,
    });
    await client.project.open({ path: projectDir });
    // Every clip, the background noise included (listClips shows the samples).
    const clips = studio.session
      .require()
      .db.prepare('SELECT COUNT(*) FROM clips WHERE deleted_at IS NULL')
      .pluck()
      .get() as number;
    expect(clips).toBeGreaterThan(128);
    const spec: FeatureSpec = {
      ...(await client.features.presets()).find((preset) => preset.id === 'log-mel-40')!.spec,
      normalization: 'none',
    };

    // A per-clip read first, so the view's cache has indexed the folder before any pass writes to it.
    const page = await client.library.listClips({ limit: 5000 });
    const [firstClip, lastClip] = [page.rows[0]!.id, page.rows.at(-1)!.id];
    expect(await client.features.clipFeatures({ clipId: firstClip, spec })).toMatchObject({ cached: false });

    const events: TaskProgress[] = [];
    client.features.onDidProgress((event) => events.push(event));
    await expect(client.features.extractAll({ spec, threads: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(client.features.cancelTask({ taskId: 'features-0' })).rejects.toMatchObject({ code: 'not_found' });

    // Cancelled once a first batch of clips is through: the pass stops, and what it wrote stays cached.
    let cancelled: Promise<void> | undefined;
    const unsubscribe = client.features.onDidProgress((event) => {
      if (!cancelled && event.state === 'running' && event.done > 0)
        cancelled = client.features.cancelTask({ taskId: event.taskId });
    });
    await expect(client.features.extractAll({ spec, threads: 1 })).rejects.toMatchObject({
      code: 'cancelled',
      message: 'Feature extraction was cancelled.',
    });
    unsubscribe();
    await cancelled;
    // The first event comes before any clip, naming the task; the last says it was cancelled.
    expect(events[0]).toMatchObject({
      state: 'running',
      done: 0,
      total: 0,
      cancellable: true,
      taskId: expect.stringMatching(/^features-\d+$/),
    });
    expect(events.every((event) => event.taskId === events[0]!.taskId)).toBe(true);
    expect(events.at(-1)).toMatchObject({ state: 'cancelled', cancellable: false });
    const partial = (await client.features.cacheStatus()).entries;
    expect(partial).toBeGreaterThanOrEqual(64);
    expect(partial).toBeLessThan(clips);

    events.length = 0;
    const rest = await client.features.extractAll({ spec, threads: 2 });
    expect(rest).toMatchObject({
      clips,
      fromCache: partial,
      computed: clips - partial,
      failed: [],
      specHash: expect.stringMatching(/^[0-9a-f]+$/),
    });
    expect(rest.cache).toMatchObject({ entries: clips, hits: partial, misses: clips - partial });
    expect(events.at(-1)).toMatchObject({ state: 'done', done: clips, total: clips });
    expect(
      events
        .filter((event) => event.state === 'running')
        .every((event) => event.done <= event.total || event.total === 0),
    ).toBe(true);
    // The per-clip reads see what the passes cached, under the same spec hash.
    for (const clipId of [firstClip, lastClip])
      expect(await client.features.clipFeatures({ clipId, spec })).toMatchObject({
        specHash: rest.specHash,
        cached: true,
        computeMs: 0,
      });

    const again = await client.features.extractAll({ spec });
    expect(again).toMatchObject({ clips, fromCache: clips, computed: 0, failed: [], specHash: rest.specHash });
    expect(again.cache.hitRate).toBe(1);

    // float16 halves what a pass writes: a spec of the same shape takes half the bytes.
    const float32Bytes = again.cache.bytes;
    const halved = await client.features.extractAll({ spec: { ...spec, lowerHz: 20 }, float16: true });
    expect(halved).toMatchObject({ computed: clips, failed: [] });
    expect((halved.cache.bytes - float32Bytes) / float32Bytes).toBeCloseTo(0.5, 1);
    studio.dispose();
  }, 300_000);
});
