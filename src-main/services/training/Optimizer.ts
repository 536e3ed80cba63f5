import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';

type Variable = ReturnType<TensorflowModule['variable']>;
type Tensor = ReturnType<TensorflowModule['tensor']>;

export interface Optimizer {
  /** One update of `variables` with their gradients (same order) at learning rate `rate`. */
  apply(variables: readonly Variable[], gradients: readonly Tensor[], rate: number): void;
  /** Slot values by name, and 'step', for checkpoints: copies the caller disposes. */
  state(): Map<string, Tensor>;
  setState(state: ReadonlyMap<string, Tensor>): void;
  dispose(): void;
}
