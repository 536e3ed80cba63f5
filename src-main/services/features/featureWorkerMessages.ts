import type { FeatureSpec } from '../../../src-shared/model/FeatureSpec.ts';

/** What the feature pool and its worker threads say to each other. */
export interface FeatureJob {
  /** Caller's key for each clip, echoed back with its result. */
  key: string;
  file: string;
}

export type ToFeatureWorker = { type: 'spec'; spec: FeatureSpec } | { type: 'jobs'; jobs: FeatureJob[] };

export type FromFeatureWorker =
  | { type: 'result'; key: string; frames: number; bins: number; data: Float32Array; computeMs: number }
  | { type: 'failed'; key: string; reason: string }
  | { type: 'idle' };
