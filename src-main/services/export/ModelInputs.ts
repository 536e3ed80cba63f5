import type { FeatureSpec } from '../../../src-shared/model/FeatureSpec.ts';
import type { OpenProject } from '../project/ProjectSession.ts';

export type ModelInputSplit = 'train' | 'validation' | 'test';

/** A finished run's model inputs for one split, as its training made them (see training/runModelInputs). */
export interface ModelInputs {
  split: ModelInputSplit;
  /** Each input's true class index, in input order. */
  items: readonly { classIndex: number }[];
  /** frames × bins, normalized as the run's evaluation fed its model. */
  inputs: Float32Array[];
  normalization: { kind: FeatureSpec['normalization']; mean: Float32Array | null; std: Float32Array | null };
}

/**
 * How export gets a run's inputs: given by createServices (the training pipeline's runModelInputs),
 * so the export room does not reach into training. `limit`: a deterministic class-balanced subset.
 */
export type ReadModelInputs = (
  project: OpenProject,
  runId: string,
  options: { split: ModelInputSplit; limit?: number },
) => Promise<ModelInputs>;
