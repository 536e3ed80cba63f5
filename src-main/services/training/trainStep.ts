import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import type { KwsModel } from './models/buildModel.ts';

type Tf = TensorflowModule;
type Tensor = ReturnType<Tf['tensor']>;

/** One forward and backward pass: mean loss, correct predictions and the gradients of `trainable`. */
export function trainStep(
  tf: Tf,
  model: KwsModel,
  spec: TrainSpec,
  xs: Float32Array,
  labels: number[],
  shape: [number, number, 1],
  seed: number,
) {
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, [labels.length, ...shape]);
    const y = smoothedOneHot(tf, labels, model.classes, spec.labelSmoothing);
    let predicted: Tensor | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(x, true, seed);
      predicted = tf.keep(logits.argMax(-1));
      let loss = tf.losses.softmaxCrossEntropy(y, logits) as ReturnType<Tf['scalar']>;
      if (spec.l2 > 0) loss = loss.add(tf.addN(model.prunable.map((kernel) => kernel.square().sum())).mul(spec.l2));
      return loss;
    }, model.trainable);
    const hitCount = tf.equal(predicted!, tf.tensor1d(labels, 'int32')).sum().dataSync()[0]!;
    (predicted as Tensor | null)?.dispose();
    const gradients = model.trainable.map((variable) => tf.keep(grads[variable.name]!));
    return { loss: value.dataSync()[0]!, hits: hitCount, gradients };
  });
}

function smoothedOneHot(tf: Tf, labels: number[], classes: number, smoothing: number): Tensor {
  const values = new Float32Array(labels.length * classes).fill(smoothing / classes);
  labels.forEach((label, row) => (values[row * classes + label] = 1 - smoothing + smoothing / classes));
  return tf.tensor2d(values, [labels.length, classes]);
}
