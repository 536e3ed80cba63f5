import { ConvLayer, type ConvLayerOptions } from './ConvLayer.ts';
import { DenseLayer } from './DenseLayer.ts';
import { DropoutLayer } from './DropoutLayer.ts';
import { FlattenLayer } from './FlattenLayer.ts';
import { GlobalAveragePoolLayer } from './GlobalAveragePoolLayer.ts';
import { MaxPoolLayer } from './MaxPoolLayer.ts';
import type { ModelLayer, Tf } from './ModelLayer.ts';
import type { VariableStore } from './VariableStore.ts';

/** Builds a sequential network layer by layer, tracking the running output shape. */
export class LayerStack {
  readonly layers: ModelLayer[] = [];
  private dropouts = 0;

  constructor(
    readonly tf: Tf,
    readonly store: VariableStore,
    private shape: number[],
  ) {}

  get outputShape(): number[] {
    return this.shape;
  }

  push<T extends ModelLayer>(layer: T): T {
    this.layers.push(layer);
    this.shape = layer.outputShape;
    return layer;
  }

  conv(options: ConvLayerOptions): ConvLayer {
    return this.push(new ConvLayer(this.tf, this.store, this.shape, options));
  }

  dense(name: string, units: number, activation: 'relu' | 'linear' = 'linear'): DenseLayer {
    return this.push(new DenseLayer(this.tf, this.store, this.shape, name, units, activation));
  }

  dropout(rate: number): void {
    if (rate > 0) this.push(new DropoutLayer(this.tf, this.shape, rate, this.dropouts++));
  }

  flatten(): void {
    this.push(new FlattenLayer(this.tf, this.shape));
  }

  maxPool(size: [number, number]): void {
    this.push(new MaxPoolLayer(this.tf, this.shape, size));
  }

  globalAveragePool(): void {
    this.push(new GlobalAveragePoolLayer(this.tf, this.shape));
  }
}
