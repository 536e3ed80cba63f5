import type { ModelSpec } from '../../../../src-shared/model/ModelSpec.ts';
import { buildConvModel } from './buildConvModel.ts';
import { buildDsCnn } from './buildDsCnn.ts';
import { buildLowLatencyConv } from './buildLowLatencyConv.ts';
import { buildRepInception } from './buildRepInception.ts';
import { buildTinyConv } from './buildTinyConv.ts';
import { LayeredKwsModel } from './LayeredKwsModel.ts';
import { LayerStack } from './LayerStack.ts';
import type { Tf } from './ModelLayer.ts';
import { VariableStore } from './VariableStore.ts';

/** The LayeredKwsModel behind buildModel; `reparameterized`: a rep_inception model in its merged form (see reparameterize). */
export function buildLayeredModel(
  tf: Tf,
  spec: ModelSpec,
  inputShape: [number, number, 1],
  classes: number,
  seed: number,
  reparameterized: boolean,
): LayeredKwsModel {
  const [frames, bins, channels] = inputShape;
  if (!(frames >= 1 && bins >= 1 && channels === 1))
    throw new Error(`Model input shape must be [frames, bins, 1], got [${inputShape.join(', ')}]`);
  if (!(Number.isInteger(classes) && classes >= 2)) throw new Error(`A model needs at least 2 classes, got ${classes}`);
  const store = new VariableStore(tf, seed);
  const stack = new LayerStack(tf, store, [...inputShape]);
  try {
    switch (spec.kind) {
      case 'tiny_conv':
        buildTinyConv(stack, spec, classes);
        break;
      case 'conv':
        buildConvModel(stack, spec, classes);
        break;
      case 'low_latency_conv':
        buildLowLatencyConv(stack, spec, classes);
        break;
      case 'ds_cnn':
        buildDsCnn(stack, spec, classes);
        break;
      case 'rep_inception':
        buildRepInception(stack, spec, classes, reparameterized);
        break;
    }
  } catch (error) {
    for (const variable of store.byName.values()) variable.dispose();
    throw error;
  }
  return new LayeredKwsModel(tf, spec, [...inputShape], classes, store, stack.layers, reparameterized);
}
