import type * as tfjs from '@tensorflow/tfjs-node';
import type { Tf } from './ModelLayer.ts';

let instances = 0;

/**
 * Creates and names a model's variables. Names are stable ("block1/depthwise/kernel"); the tfjs
 * variable gets a per-instance prefix because tfjs registers variable names process-wide.
 * Kernels are Glorot-uniform with a seed derived from the model seed and the variable's name, so
 * a seed always gives the same weights whatever else the process has built.
 */
export class VariableStore {
  readonly trainable: tfjs.Variable[] = [];
  readonly state: tfjs.Variable[] = [];
  readonly prunable: tfjs.Variable[] = [];
  readonly byName = new Map<string, tfjs.Variable>();
  private readonly names = new Map<tfjs.Variable, string>();
  private readonly prefix: string;

  constructor(
    private readonly tf: Tf,
    private readonly seed: number,
  ) {
    instances += 1;
    this.prefix = `kws${instances}`;
  }

  /** Glorot-uniform: U(±sqrt(6 / (fanIn + fanOut))), as Keras computes fans for conv and dense kernels. */
  kernel(name: string, shape: number[], fanIn: number, fanOut: number, prunable = true): tfjs.Variable {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const value = this.tf.randomUniform(shape, -limit, limit, 'float32', `${this.seed}/${name}`);
    const variable = this.add(name, value, true);
    if (prunable) this.prunable.push(variable);
    return variable;
  }

  constant(name: string, shape: number[], value: number, trainable: boolean): tfjs.Variable {
    return this.add(name, this.tf.fill(shape, value, 'float32'), trainable);
  }

  /** Adopts an existing tensor's value (copied) as a new variable. */
  fromTensor(name: string, value: tfjs.Tensor, trainable: boolean, prunable = false): tfjs.Variable {
    const variable = this.add(name, value.clone(), trainable);
    if (prunable) this.prunable.push(variable);
    return variable;
  }

  nameOf(variable: tfjs.Variable): string {
    const name = this.names.get(variable);
    if (name === undefined) throw new Error(`Variable ${variable.name} does not belong to this model`);
    return name;
  }

  private add(name: string, value: tfjs.Tensor, trainable: boolean): tfjs.Variable {
    if (this.byName.has(name)) throw new Error(`Duplicate model variable name ${name}`);
    const variable = this.tf.variable(value, trainable, `${this.prefix}/${name}`);
    value.dispose();
    this.byName.set(name, variable);
    this.names.set(variable, name);
    (trainable ? this.trainable : this.state).push(variable);
    return variable;
  }
}
