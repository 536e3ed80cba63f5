import type * as tfjs from '@tensorflow/tfjs-node';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';

interface Slot {
  assign(value: tfjs.Tensor): void;
  dispose(): void;
}

/**
 * An optimizer's per-variable slots (Adam's m and v, momentum's velocity) and its step count, kept
 * by name so they checkpoint and restore exactly. `create` makes a slot holding a copy of a value;
 * `read` returns a slot's value as a tensor the caller owns.
 */
export class OptimizerSlots<S extends Slot> {
  step = 0;
  private readonly slots = new Map<string, S>();

  constructor(
    private readonly tf: TensorflowModule,
    private readonly create: (key: string, initial: tfjs.Tensor) => S,
    private readonly read: (slot: S) => tfjs.Tensor,
  ) {}

  /** The slot `name` of `variable`, zeros the first time. */
  get(variable: tfjs.Variable, name: string): S {
    const key = `${variable.name}/${name}`;
    let found = this.slots.get(key);
    if (!found) {
      const zeros = this.tf.zerosLike(variable);
      this.slots.set(key, (found = this.create(key, zeros)));
      zeros.dispose();
    }
    return found;
  }

  /** Copies of every slot by name, and 'step': the caller disposes them. */
  state(): Map<string, tfjs.Tensor> {
    const state = new Map([...this.slots].map(([key, slot]) => [key, this.read(slot)]));
    state.set('step', this.tf.scalar(this.step));
    return state;
  }

  setState(state: ReadonlyMap<string, tfjs.Tensor>): void {
    for (const [key, value] of state) {
      if (key === 'step') {
        this.step = value.dataSync()[0]!;
        continue;
      }
      const existing = this.slots.get(key);
      if (existing) existing.assign(value);
      else this.slots.set(key, this.create(key, value));
    }
  }

  dispose(): void {
    for (const slot of this.slots.values()) slot.dispose();
    this.slots.clear();
  }
}
