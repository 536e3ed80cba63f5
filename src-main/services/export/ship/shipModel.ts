import path from 'node:path';
import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import type { DeployGraph } from '../../optimize/graph/DeployGraph.ts';
import { readTfjsGraph } from '../../optimize/graph/readTfjsGraph.ts';
import { loadTensorflow } from '../../tensorflow/loadTensorflow.ts';
import type { ExportableRun } from '../ExportableRun.ts';
import type { ModelInputs } from '../ModelInputs.ts';
import type { ExportContext } from '../RunExporter.ts';
import { buildShipModel, type BuiltShipModel } from './buildShipModel.ts';

/** A TFLite model made from a finished run, with what was measured of it and the inputs it was measured on. */
export interface ShippedModel extends BuiltShipModel {
  evaluation: ModelInputs;
}

/**
 * The run's TFLite model, from the files its training recorded: its TF.js model read into the
 * deployed form (batch norm folded, ReLU fused), calibrated on a balanced subset of its training clips
 * and measured on its test clips, both made by the training pipeline itself (ExportContext.modelInputs).
 */
export async function shipModel(run: ExportableRun, context: ExportContext): Promise<ShippedModel> {
  const { options, progress } = context;
  const runId = run.detail.id;
  const graph = readRunGraph(run);
  const { tf } = await loadTensorflow();
  progress('Reading the test clips', 0.05);
  const evaluation = await evaluationInputs(run, context);
  let calibration: Float32Array[] = [];
  if (options.quantize === 'int8') {
    progress(`Reading ${options.calibration} calibration inputs from the training split`, 0.1);
    calibration = (await readInputs(context, runId, { split: 'train', limit: options.calibration })).inputs;
    if (calibration.length === 0) {
      throw new StudioError(
        'invalid_input',
        `Run ${runId} has no training clips to calibrate int8 activation ranges with; export it as float32 (--quantize float32).`,
      );
    }
  }
  const built = await buildShipModel(tf, {
    graph,
    quantize: options.quantize,
    io: options.io,
    calibration,
    evaluation: {
      split: evaluation.split,
      inputs: evaluation.inputs,
      truth: evaluation.items.map((item) => item.classIndex),
    },
    macs: run.summary.model.macs,
    features: run.detail.spec.features,
    progress,
  });
  progress('Done', 1);
  return { ...built, evaluation };
}

/** The run's recorded TF.js model in its deployed form; an error naming the run and the layer it cannot express. */
function readRunGraph(run: ExportableRun): DeployGraph {
  const runId = run.detail.id;
  const modelJson = run.artifacts.find((artifact) => artifact.kind === 'tfjs-model');
  if (!modelJson) {
    throw new StudioError(
      'not_found',
      `Run ${runId} recorded no model (model.json) in ${run.folder}; it cannot be exported.`,
    );
  }
  try {
    return readTfjsGraph(path.join(run.folder, modelJson.path));
  } catch (error) {
    throw new StudioError(
      'invalid_input',
      `Run ${runId}'s model cannot be written as TFLite: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The run's test clips; a run without any is measured on its validation clips, then its training clips. */
async function evaluationInputs(run: ExportableRun, context: ExportContext): Promise<ModelInputs> {
  for (const split of ['test', 'validation', 'train'] as const) {
    const inputs = await readInputs(context, run.detail.id, { split });
    if (inputs.inputs.length > 0) return inputs;
  }
  throw new StudioError('invalid_input', `Run ${run.detail.id} has no clips in any split to measure its model on.`);
}

/**
 * The run's inputs for a split. A failure to plan them from the run's snapshot (a plain Error, e.g. an
 * empty training split in a hand-edited project) names the run: unwrapped, the service would report it
 * as a failure to write the export folder.
 */
async function readInputs(
  context: ExportContext,
  runId: string,
  options: Parameters<ExportContext['modelInputs']>[2],
): Promise<ModelInputs> {
  try {
    return await context.modelInputs(context.project, runId, options);
  } catch (error) {
    if (error instanceof StudioError || (error as NodeJS.ErrnoException | null)?.code !== undefined) throw error;
    throw new StudioError(
      'internal',
      `Run ${runId}'s model inputs cannot be made again from its snapshot (${error instanceof Error ? error.message : String(error)}); it cannot be exported.`,
    );
  }
}
