import type { Pruner, SavedMask } from '../optimize/createPruner.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import { saveCheckpoint } from './checkpointStore.ts';
import type { KwsModel } from './models/buildModel.ts';
import type { Optimizer } from './Optimizer.ts';

type Tensor = ReturnType<TensorflowModule['tensor']>;

/** Where the loop stands after an epoch; a checkpoint's meta.json holds it, enough to continue exactly where the epoch ended. */
export interface LoopState {
  epoch: number;
  step: number;
  best: number | null;
  bestEpoch: number;
  sinceBest: number;
  trainSeconds: number;
  samplesSeen: number;
}

/** The loop at the end of an epoch: the weights, the optimizer's slots (`optimizer/…`) and the pruning masks (`pruning/…`), with its state. */
export function saveLoopCheckpoint(
  tf: TensorflowModule,
  dir: string,
  model: KwsModel,
  optimizer: Optimizer,
  pruner: Pruner | null,
  state: LoopState,
): void {
  const masks = (pruner?.exportMasks() ?? []).map(({ name, mask }): [string, Tensor] => [
    `pruning/${name}`,
    tf.tensor1d(Float32Array.from(mask)),
  ]);
  const weights = model.getWeights();
  const optimizerState = optimizer.state();
  saveCheckpoint(dir, new Map([...weights, ...prefixed('optimizer/', optimizerState), ...masks]), state);
  tf.dispose([...weights.values(), ...optimizerState.values(), ...masks.map(([, tensor]) => tensor)]);
}

/** Sets the model's weights and the optimizer's slots from a loop checkpoint's tensors (the caller disposes them). */
export function restoreLoopCheckpoint(
  model: KwsModel,
  optimizer: Optimizer,
  tensors: ReadonlyMap<string, Tensor>,
): void {
  model.setWeights(
    new Map([...tensors].filter(([name]) => !name.startsWith('optimizer/') && !name.startsWith('pruning/'))),
  );
  optimizer.setState(checkpointPart(tensors, 'optimizer/'));
}

/** The pruning masks a loop checkpoint holds, for the pruner of a resumed run. */
export function savedMasks(tensors: ReadonlyMap<string, Tensor>): SavedMask[] {
  return [...checkpointPart(tensors, 'pruning/')].map(([name, tensor]) => ({
    name,
    mask: Uint8Array.from(tensor.dataSync()),
  }));
}

function prefixed(prefix: string, tensors: ReadonlyMap<string, Tensor>): [string, Tensor][] {
  return [...tensors].map(([name, tensor]) => [`${prefix}${name}`, tensor]);
}

function checkpointPart(tensors: ReadonlyMap<string, Tensor>, prefix: string): Map<string, Tensor> {
  return new Map(
    [...tensors]
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, tensor]) => [name.slice(prefix.length), tensor]),
  );
}
