import type { FeatureCacheStatus } from '../model/FeatureCacheStatus.ts';
import type { FeaturePreset, FeatureSpec } from '../model/FeatureSpec.ts';

export interface ClipFeaturesInput {
  clipId: number;
  spec: FeatureSpec;
  /** Compute even when cached (the inspector's timing), refreshing the cache entry. */
  fresh?: boolean | undefined;
}

/** One clip's feature matrix (time × feature, row-major) and how it was obtained. */
export interface ClipFeatures {
  clipId: number;
  specHash: string;
  frames: number;
  bins: number;
  data: Float32Array;
  /** Extraction time on the service's thread; 0 when served from the cache. */
  computeMs: number;
  cached: boolean;
}

/** Feature presets, per-clip features for the views, and the feature cache. */
export interface FeatureService {
  /** The presets shipped in resources/presets/features. */
  presets(): Promise<FeaturePreset[]>;
  clipFeatures(input: ClipFeaturesInput): Promise<ClipFeatures>;
  cacheStatus(): Promise<FeatureCacheStatus>;
  clearCache(): Promise<FeatureCacheStatus>;
}
