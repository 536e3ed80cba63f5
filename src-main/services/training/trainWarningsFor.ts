import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import { runLength } from '../../../src-shared/training/runLength.ts';
import { trainSpecWarnings } from '../../../src-shared/training/trainSpecWarnings.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { libraryClips } from '../runs/store/libraryClips.ts';
import { planDataset } from '../../../src-shared/training/planDataset.ts';

/**
 * What would not work as the spec seems to ask in a run on the project's data as it is now (pruning
 * that never prunes, a warm-up longer than the run), in sentences. Empty when the data cannot be
 * planned: starting the run says why.
 */
export function trainWarningsFor(db: ProjectDatabase, spec: TrainSpec): string[] {
  let trainExamples: number;
  try {
    trainExamples = planDataset(libraryClips(db), spec.data, spec.seed).items.train.length;
  } catch {
    return [];
  }
  return trainSpecWarnings(spec, runLength(trainExamples, spec).totalSteps).map((warning) => warning.message);
}
