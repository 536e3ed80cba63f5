import type * as tfjs from '@tensorflow/tfjs-node';
import type { ModelSpec, ModelStats } from '../../../../src-shared/model/ModelSpec.ts';
import type { KwsModel } from './KwsModel.ts';
import type { ModelLayer, Tf } from './ModelLayer.ts';
import type { VariableStore } from './VariableStore.ts';

/** A KwsModel as a sequence of ModelLayers over variables in one VariableStore. */
export class LayeredKwsModel implements KwsModel {
  readonly trainable: tfjs.Variable[];
  readonly state: tfjs.Variable[];
  readonly prunable: tfjs.Variable[];

  constructor(
    private readonly tf: Tf,
    readonly spec: ModelSpec,
    readonly inputShape: [number, number, 1],
    readonly classes: number,
    readonly store: VariableStore,
    readonly layers: ModelLayer[],
    readonly reparameterized: boolean,
  ) {
    this.trainable = store.trainable;
    this.state = store.state;
    this.prunable = store.prunable;
  }

  nameOf(variable: tfjs.Variable): string {
    return this.store.nameOf(variable);
  }

  apply(x: tfjs.Tensor4D, training: boolean, seed?: number): tfjs.Tensor2D {
    const [, frames, bins, channels] = x.shape;
    const [wantFrames, wantBins] = this.inputShape;
    if (frames !== wantFrames || bins !== wantBins || channels !== 1) {
      throw new Error(`Model input must be [batch, ${wantFrames}, ${wantBins}, 1], got [${x.shape.join(', ')}]`);
    }
    const context = { training, seed };
    return this.tf.tidy(
      () => this.layers.reduce<tfjs.Tensor>((y, layer) => layer.forward(y, context), x) as tfjs.Tensor2D,
    );
  }

  stats(): ModelStats {
    const count = (variables: tfjs.Variable[]) => variables.reduce((sum, v) => sum + v.size, 0);
    const params = count(this.trainable) + count(this.state);
    return {
      params,
      trainableParams: count(this.trainable),
      macs: this.layers.reduce((sum, layer) => sum + layer.macs, 0),
      sizeBytes: params * 4,
    };
  }

  getWeights(): Map<string, tfjs.Tensor> {
    return new Map([...this.store.byName].map(([name, variable]) => [name, variable.clone()]));
  }

  setWeights(weights: Map<string, tfjs.Tensor>): void {
    const missing = [...this.store.byName.keys()].filter((name) => !weights.has(name));
    const unknown = [...weights.keys()].filter((name) => !this.store.byName.has(name));
    if (missing.length > 0 || unknown.length > 0) {
      throw new Error(
        `Weights do not fit this ${this.spec.kind} model: missing [${missing.join(', ')}], unknown [${unknown.join(', ')}]`,
      );
    }
    for (const [name, variable] of this.store.byName) {
      const value = weights.get(name)!;
      if (value.shape.join() !== variable.shape.join()) {
        throw new Error(
          `Weight ${name} has shape [${value.shape.join(', ')}], the model needs [${variable.shape.join(', ')}]`,
        );
      }
    }
    this.tf.tidy(() => {
      for (const [name, variable] of this.store.byName) variable.assign(weights.get(name)!.toFloat());
    });
  }

  toLayersModel(): tfjs.LayersModel {
    const input = this.tf.input({ shape: this.inputShape });
    const output = this.layers.reduce((y, layer) => layer.toLayers(y), input);
    return this.tf.model({ inputs: input, outputs: output, name: this.spec.kind });
  }

  dispose(): void {
    for (const variable of this.store.byName.values()) variable.dispose();
  }
}
