import type { Tensor, Variable } from '@tensorflow/tfjs-node';
import type { PruningSteps } from '../../../src-shared/model/TrainSpec.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import { magnitudeMask } from './magnitudeMask.ts';
import { pruningSchedule } from '../../../src-shared/training/pruningSchedule.ts';

/** A weight tensor to prune (tfmot prunes conv, depthwise and dense kernels, never biases or BN). */
export interface PrunableKernel {
  name: string;
  variable: Variable;
}

export interface LayerSparsity {
  name: string;
  size: number;
  zeros: number;
  sparsity: number;
}

export interface PruningReport {
  layers: LayerSparsity[];
  size: number;
  zeros: number;
  sparsity: number;
}

/** One layer's mask as 0/1 bytes in the kernel's element order, for checkpoints. */
export interface SavedMask {
  name: string;
  mask: Uint8Array;
}

/**
 * Magnitude pruning with tfmot's `prune_low_magnitude` semantics, for a hand-written training loop:
 *
 *   for (let step = 1; step <= steps; step++) {
 *     pruner.beforeStep(step);   // tfmot's mask update in the layer call, then w ← w·mask
 *     …compute gradients, optimizer.applyGradients(…)…
 *     pruner.afterUpdate(step);  // w ← w·mask, so momentum or Adam cannot revive pruned weights
 *   }
 *   const report = pruner.strip();
 *
 * Step n is the n-th optimizer update (1-based), as tfmot's `pruning_step` counts during `fit`. A spec
 * whose timing is given as shares of the run is resolved to steps first (resolvePruning).
 */
export interface Pruner {
  /** Before the forward pass of `step`: updates the masks when the schedule says so; returns whether it did. */
  beforeStep(step: number): boolean;
  /** Right after the optimizer update of `step`: re-applies the masks. */
  afterUpdate(step: number): void;
  /** Applies the masks to the kernels for good and disposes them; the kernels are the final sparse weights. */
  strip(): PruningReport;
  /** Zeros per layer and overall in the kernels as masked now. */
  report(): PruningReport;
  exportMasks(): SavedMask[];
  dispose(): void;
}

export interface PrunerOptions {
  /** Masks saved by `exportMasks`, to resume a run where it stopped. */
  masks?: SavedMask[];
}

interface PrunedLayer {
  name: string;
  variable: Variable;
  mask: Tensor;
}

export function createPruner(
  tf: TensorflowModule,
  spec: PruningSteps,
  kernels: PrunableKernel[],
  options: PrunerOptions = {},
): Pruner {
  const schedule = pruningSchedule(spec);
  const names = new Set(kernels.map((kernel) => kernel.name));
  if (names.size !== kernels.length)
    throw new Error('Each prunable kernel needs its own name: the report and saved masks go by name.');
  const layers: PrunedLayer[] = kernels.map(({ name, variable }) => ({
    name,
    variable,
    mask: initialMask(tf, name, variable, options.masks),
  }));
  // tfmot updates a mask from the weights as the optimizer left them, before they are masked again,
  // so a pruned weight the last update pushed past the threshold can come back. afterUpdate masks
  // at once, so it keeps that unmasked copy for the next step when that step updates masks.
  let unmasked: { step: number; weights: Tensor[] } | null = null;
  let maskedAfterStep: number | null = null;
  let state: 'live' | 'stripped' | 'disposed' = 'live';

  const assertLive = (): void => {
    if (state !== 'live') throw new Error(`The pruner was ${state}; create a new one to prune again.`);
  };
  const dropUnmasked = (): void => {
    if (unmasked) tf.dispose(unmasked.weights);
    unmasked = null;
  };
  const applyMasks = (): void => {
    for (const layer of layers) tf.tidy(() => layer.variable.assign(tf.mul(layer.variable, layer.mask)));
  };
  const report = (): PruningReport => {
    if (state === 'disposed') throw new Error('The pruner was disposed.');
    const perLayer = layers.map(({ name, variable, mask }) => {
      const zeros = tf.tidy(
        () =>
          tf
            .equal(state === 'live' ? tf.mul(variable, mask) : variable, 0)
            .sum()
            .dataSync()[0]!,
      );
      return { name, size: variable.size, zeros, sparsity: zeros / variable.size };
    });
    const size = perLayer.reduce((sum, layer) => sum + layer.size, 0);
    const zeros = perLayer.reduce((sum, layer) => sum + layer.zeros, 0);
    return { layers: perLayer, size, zeros, sparsity: size === 0 ? 0 : zeros / size };
  };

  return {
    beforeStep(step) {
      assertLive();
      const { shouldPrune, sparsity } = schedule(step);
      if (shouldPrune) {
        const sources = unmasked?.step === step ? unmasked.weights : layers.map((layer) => layer.variable);
        layers.forEach((layer, index) => {
          const source = sources[index]!;
          const mask = magnitudeMask(tf, source, sparsity);
          layer.mask.dispose();
          layer.mask = mask;
          tf.tidy(() => layer.variable.assign(tf.mul(source, mask)));
        });
      } else if (maskedAfterStep !== step - 1) {
        applyMasks();
      }
      dropUnmasked();
      return shouldPrune;
    },
    afterUpdate(step) {
      assertLive();
      dropUnmasked();
      if (schedule(step + 1).shouldPrune)
        unmasked = { step: step + 1, weights: layers.map((layer) => tf.clone(layer.variable)) };
      applyMasks();
      maskedAfterStep = step;
    },
    strip() {
      assertLive();
      dropUnmasked();
      applyMasks();
      for (const layer of layers) layer.mask.dispose();
      state = 'stripped';
      return report();
    },
    report,
    exportMasks() {
      assertLive();
      return layers.map(({ name, mask }) => ({ name, mask: Uint8Array.from(mask.dataSync()) }));
    },
    dispose() {
      if (state === 'disposed') return;
      dropUnmasked();
      if (state === 'live') for (const layer of layers) layer.mask.dispose();
      state = 'disposed';
    },
  };
}

function initialMask(tf: TensorflowModule, name: string, variable: Variable, saved: SavedMask[] | undefined): Tensor {
  // tfmot starts from all-ones masks: nothing is pruned before the first scheduled update.
  if (!saved) return tf.onesLike(variable);
  const restored = saved.find((entry) => entry.name === name);
  if (!restored) throw new Error(`The saved pruning masks have none for ${name}: were they saved from another model?`);
  if (restored.mask.length !== variable.size) {
    throw new Error(
      `The saved pruning mask of ${name} has ${restored.mask.length} entries, its kernel ${variable.size}.`,
    );
  }
  return tf.tensor(Float32Array.from(restored.mask), variable.shape, variable.dtype);
}
