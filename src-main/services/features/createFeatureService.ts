import { Emitter } from '../../../src-shared/contract/events.ts';
import type { FeatureService } from '../../../src-shared/contract/FeatureService.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { createFeatureExtractor, type FeatureExtractor } from '../../../src-shared/dsp/createFeatureExtractor.ts';
import type { TaskProgress } from '../../../src-shared/model/TaskProgress.ts';
import type { OpenProject, ProjectSession } from '../project/ProjectSession.ts';
import { clipAudioRecord, decodeClipAudio } from '../project/clipAudioStore.ts';
import { TrainingCancelled } from '../training/TrainingCancelled.ts';
import { exportModelInputs } from './exportModelInputs.ts';
import { extractProjectFeatures } from './extractProjectFeatures.ts';
import { FeatureCache } from './FeatureCache.ts';
import { featureSpecHash } from './featureSpecHash.ts';
import { loadFeaturePresets } from './loadFeaturePresets.ts';

/**
 * Per-clip features for the Library and the inspector, and whole-project extraction on worker
 * threads, served through the project's cache.
 */
export function createFeatureService(session: ProjectSession): FeatureService {
  const caches = new WeakMap<OpenProject, FeatureCache>();
  const progress = new Emitter<TaskProgress>({ name: 'features.onDidProgress' });
  const running = new Map<string, AbortController>();
  let taskCounter = 0;
  const extractors = new Map<string, FeatureExtractor>();
  const cacheOf = (project: OpenProject) => {
    let cache = caches.get(project);
    if (!cache) caches.set(project, (cache = new FeatureCache(project.layout.featureCache)));
    return cache;
  };

  return {
    async presets() {
      return loadFeaturePresets();
    },

    async clipFeatures({ clipId, spec, fresh }) {
      const project = session.require();
      if (spec.normalization === 'dataset') {
        throw new StudioError(
          'invalid_input',
          'Dataset normalization needs statistics over a training split; one clip has none. Preview with normalization "none" or "clip".',
        );
      }
      const record = clipAudioRecord(project, clipId);
      const specHash = featureSpecHash(spec);
      const cache = cacheOf(project);
      const cached = fresh ? null : cache.get(record.hash, specHash);
      if (cached) return { clipId, specHash, ...cached, computeMs: 0, cached: true };

      const audio = await decodeClipAudio(clipId, record.file);
      let extract = extractors.get(specHash);
      if (!extract) {
        extract = createFeatureExtractor(spec);
        if (extractors.size > 8) extractors.clear();
        extractors.set(specHash, extract);
      }
      const started = performance.now();
      const matrix = extract(audio.mono, audio.sampleRate);
      const computeMs = performance.now() - started;
      cache.put(record.hash, specHash, matrix);
      return { clipId, specHash, ...matrix, computeMs, cached: false };
    },

    async extractAll({ spec, threads, float16 }) {
      const project = session.require();
      const taskId = `features-${++taskCounter}`;
      const title = 'Extracting features';
      const controller = new AbortController();
      running.set(taskId, controller);
      const report = (state: TaskProgress['state'], done: number, total: number, message = '') =>
        progress.fire({ taskId, title, state, done, total, message, cancellable: state === 'running' });
      // Before any clip is read, so a caller can cancel from the start.
      report('running', 0, 0);
      // A pass of its own: its hit rate is this pass's, and float16 applies to what it writes.
      const cache = new FeatureCache(project.layout.featureCache, { valueType: float16 ? 'float16' : 'float32' });
      try {
        const result = await extractProjectFeatures(project, {
          spec,
          cache,
          ...(threads ? { threads } : {}),
          signal: controller.signal,
          onProgress: (done, total) => report('running', done, total),
        });
        report('done', result.clips, result.clips);
        return { ...result, specHash: featureSpecHash(spec), cache: cache.status() };
      } catch (error) {
        report(
          controller.signal.aborted ? 'cancelled' : 'failed',
          0,
          0,
          error instanceof Error ? error.message : String(error),
        );
        throw error;
      } finally {
        running.delete(taskId);
        // The per-clip cache indexed the folder before this pass wrote to it: it reads it again when next asked.
        caches.delete(project);
      }
    },

    async cancelTask({ taskId }) {
      const controller = running.get(taskId);
      if (!controller)
        throw new StudioError(
          'not_found',
          `There is no running feature extraction ${taskId} to cancel (it may have finished).`,
        );
      controller.abort(new StudioError('cancelled', 'Feature extraction was cancelled.'));
    },

    async exportModelInputs(input) {
      const project = session.require();
      const taskId = `features-${++taskCounter}`;
      const title = `Exporting the ${input.split} inputs of ${input.runId}`;
      const controller = new AbortController();
      running.set(taskId, controller);
      const report = (state: TaskProgress['state'], message: string) =>
        progress.fire({ taskId, title, state, done: 0, total: 0, message, cancellable: state === 'running' });
      report('running', '');
      try {
        const result = await exportModelInputs(
          project,
          input,
          ({ message }) => report('running', message),
          controller.signal,
        );
        report('done', `${result.count} examples`);
        return result;
      } catch (caught) {
        // The training pipeline stops a cancelled pass with its own error; here it is a cancelled export.
        const error =
          caught instanceof TrainingCancelled || controller.signal.aborted
            ? new StudioError(
                'cancelled',
                `Exporting the model inputs of ${input.runId} was cancelled; nothing was written.`,
              )
            : caught;
        report(
          controller.signal.aborted ? 'cancelled' : 'failed',
          error instanceof Error ? error.message : String(error),
        );
        throw error;
      } finally {
        running.delete(taskId);
      }
    },

    async cacheStatus() {
      return cacheOf(session.require()).status();
    },

    async clearCache() {
      const cache = cacheOf(session.require());
      cache.clear();
      return cache.status();
    },

    onDidProgress: progress.event,
  };
}
