import type { FeatureMatrix, FeatureSpec } from '../../../src-shared/model/FeatureSpec.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import { audioPath } from '../project/projectLayout.ts';
import type { FeatureCache } from './FeatureCache.ts';
import { extractInWorkers } from './extractInWorkers.ts';
import { featureSpecHash } from './featureSpecHash.ts';

export interface ProjectFeaturesReport {
  clips: number;
  fromCache: number;
  computed: number;
  failed: { clipId: number; reason: string }[];
  seconds: number;
}

export interface ExtractProjectFeaturesOptions {
  spec: FeatureSpec;
  cache: FeatureCache;
  threads?: number;
  /** Called for every clip's features, cached or computed; omit to only fill the cache. */
  onFeatures?(clipId: number, matrix: FeatureMatrix): void;
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

/**
 * Features for every clip of the project (trashed ones excluded): cache hits are read on this
 * thread while misses stream through the worker threads and into the cache. Clips are read from
 * SQLite a page at a time, so memory stays flat however large the dataset. A spec normalized with
 * dataset statistics yields the features before that normalization.
 */
export async function extractProjectFeatures(
  project: OpenProject,
  options: ExtractProjectFeaturesOptions,
): Promise<ProjectFeaturesReport> {
  const started = performance.now();
  // Dataset statistics come from a pass over these very features, so what is cached (and handed
  // on) is the matrix before that normalization; training applies it with its split's statistics.
  const spec: FeatureSpec =
    options.spec.normalization === 'dataset' ? { ...options.spec, normalization: 'none' } : options.spec;
  const specHash = featureSpecHash(spec);
  const total = project.db.prepare('SELECT COUNT(*) FROM clips WHERE deleted_at IS NULL').pluck().get() as number;
  const report: ProjectFeaturesReport = { clips: total, fromCache: 0, computed: 0, failed: [], seconds: 0 };
  const hashOf = new Map<string, string>();
  let done = 0;
  const finishOne = () => {
    done++;
    if (done % 64 === 0 || done === total) options.onProgress?.(done, total);
  };
  const page = project.db.prepare(
    'SELECT id, hash, ext FROM clips WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT 512',
  );
  // Pages by id rather than one open iterator, which would lock the connection against edits meanwhile.
  function* rows(): Generator<{ id: number; hash: string; ext: string }> {
    for (let after = 0; ;) {
      const batch = page.all(after) as { id: number; hash: string; ext: string }[];
      if (!batch.length) return;
      yield* batch;
      after = batch.at(-1)!.id;
    }
  }

  function* misses() {
    for (const row of rows()) {
      if (options.signal?.aborted) return;
      const cached = options.cache.get(row.hash, specHash);
      if (cached) {
        report.fromCache++;
        options.onFeatures?.(row.id, cached);
        finishOne();
        continue;
      }
      hashOf.set(String(row.id), row.hash);
      yield { key: String(row.id), file: audioPath(project.layout, row.hash, row.ext) };
    }
  }

  await extractInWorkers({
    spec,
    jobs: misses(),
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onResult(key, matrix) {
      options.cache.put(hashOf.get(key)!, specHash, matrix);
      hashOf.delete(key);
      report.computed++;
      options.onFeatures?.(Number(key), matrix);
      finishOne();
    },
    onFailure(key, reason) {
      hashOf.delete(key);
      report.failed.push({ clipId: Number(key), reason });
      finishOne();
    },
  });
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
