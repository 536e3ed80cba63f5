import type { SplitName } from '../model/Clip.ts';
import type { FeatureCacheStatus } from '../model/FeatureCacheStatus.ts';
import type { FeaturePreset, FeatureSpec } from '../model/FeatureSpec.ts';
import type { TaskProgress } from '../model/TaskProgress.ts';
import type { Event } from './events.ts';

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

export interface ExtractAllInput {
  spec: FeatureSpec;
  /** Worker threads computing what the cache lacks; one per core when absent. */
  threads?: number | undefined;
  /** Store newly computed features as float16: half the disk, about three significant digits. */
  float16?: boolean | undefined;
}

/** What one pass over the whole project did. */
export interface FeatureExtractionReport {
  /** Clips of the project (trashed ones excluded). */
  clips: number;
  fromCache: number;
  computed: number;
  /** Clips whose audio could not be read or whose features could not be computed, and why. */
  failed: { clipId: number; reason: string }[];
  seconds: number;
  /** The hash of the spec as given. */
  specHash: string;
  /** The cache after the pass; its hits, misses and hit rate are this pass's. */
  cache: FeatureCacheStatus;
}

export interface ExportModelInputsInput {
  /** A finished run. */
  runId: string;
  split: SplitName;
  /** An absolute folder: created when missing (its parent must exist), otherwise it must be empty unless `overwrite`. */
  directory: string;
  /** Write into a folder that holds files: replaces features.npy and labels.json there and leaves the rest. */
  overwrite?: boolean | undefined;
  /** At most this many examples, a deterministic subset spread evenly over each class (a calibration set). */
  limit?: number | undefined;
}

/** What exportModelInputs wrote: features.npy (float32, N × frames × bins, normalized) and labels.json. */
export interface ModelInputsExport {
  runId: string;
  split: SplitName;
  directory: string;
  /** Examples written: the split's clips (`_silence_` examples have none and are left out), or the subset. */
  count: number;
  /** features.npy's shape: [examples, frames, bins]. */
  shape: [number, number, number];
  /** Class names in model output order. */
  classes: string[];
  normalization: FeatureSpec['normalization'];
  /** Relative to `directory`. */
  files: { path: string; bytes: number }[];
}

/** Feature presets, per-clip features for the views, whole-project extraction, and the feature cache. */
export interface FeatureService {
  /** The presets shipped in resources/presets/features. */
  presets(): Promise<FeaturePreset[]>;
  clipFeatures(input: ClipFeaturesInput): Promise<ClipFeatures>;
  /**
   * Fills the cache with the features of every clip under `spec`: cached ones are read, missing ones
   * computed on worker threads. A spec normalized with dataset statistics caches the features before
   * that normalization (training applies it with its split's statistics). Progress comes through
   * onDidProgress, whose first event (before any clip) names the task for cancelTask; a cancelled
   * pass rejects with `cancelled` and keeps what it had cached.
   */
  extractAll(input: ExtractAllInput): Promise<FeatureExtractionReport>;
  /** Stops a running extraction (see extractAll). */
  cancelTask(input: { taskId: string }): Promise<void>;
  cacheStatus(): Promise<FeatureCacheStatus>;
  clearCache(): Promise<FeatureCacheStatus>;
  /**
   * Writes the exact inputs a finished run's model got for one split (the training pipeline's
   * features, normalized as the run did) as features.npy and labels.json, so a model exported from
   * the run can be checked outside the studio. Staged in a temporary folder and moved into place
   * whole; progress comes through onDidProgress, and cancelTask stops it.
   */
  exportModelInputs(input: ExportModelInputsInput): Promise<ModelInputsExport>;
  onDidProgress: Event<TaskProgress>;
}
