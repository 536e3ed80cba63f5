import type { FeatureService } from '../../../src-shared/contract/FeatureService.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { createFeatureExtractor, type FeatureExtractor } from '../../../src-shared/dsp/createFeatureExtractor.ts';
import type { OpenProject, ProjectSession } from '../project/ProjectSession.ts';
import { clipAudioRecord, decodeClipAudio } from '../project/clipAudioStore.ts';
import { FeatureCache } from './FeatureCache.ts';
import { featureSpecHash } from './featureSpecHash.ts';
import { loadFeaturePresets } from './loadFeaturePresets.ts';

/** Per-clip features for the Library and the inspector, served through the project's cache. */
export function createFeatureService(session: ProjectSession): FeatureService {
  const caches = new WeakMap<OpenProject, FeatureCache>();
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
        throw new StudioError('invalid_input', 'Dataset normalization needs statistics over a training split; one clip has none. Preview with normalization "none" or "clip".');
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

    async cacheStatus() {
      return cacheOf(session.require()).status();
    },

    async clearCache() {
      const cache = cacheOf(session.require());
      cache.clear();
      return cache.status();
    },
  };
}
