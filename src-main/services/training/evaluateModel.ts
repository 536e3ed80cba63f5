import type { DatasetItem } from '../../../src-shared/training/planDataset.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import type { KwsModel } from './models/buildModel.ts';

/** Batched inference: mean loss, accuracy and the predicted class and probabilities of each example. */
export function evaluateModel(
  tf: TensorflowModule,
  model: KwsModel,
  features: Float32Array[],
  items: DatasetItem[],
  shape: [number, number, 1],
) {
  const batch = 256;
  const size = shape[0] * shape[1];
  const predicted = new Int32Array(items.length);
  const probabilities: Float32Array[] = [];
  let lossSum = 0;
  for (let start = 0; start < items.length; start += batch) {
    const end = Math.min(items.length, start + batch);
    const xs = new Float32Array((end - start) * size);
    for (let i = start; i < end; i++) xs.set(features[i]!, (i - start) * size);
    const [probs, loss] = tf.tidy(() => {
      const logits = model.apply(tf.tensor4d(xs, [end - start, ...shape]), false);
      const y = tf.oneHot(
        tf.tensor1d(
          items.slice(start, end).map((item) => item.classIndex),
          'int32',
        ),
        model.classes,
      );
      return [
        tf.softmax(logits).dataSync() as Float32Array,
        tf.losses.softmaxCrossEntropy(y, logits).dataSync()[0]!,
      ] as const;
    });
    lossSum += loss * (end - start);
    for (let i = start; i < end; i++) {
      const row = probs.slice((i - start) * model.classes, (i - start + 1) * model.classes);
      probabilities.push(row);
      predicted[i] = row.indexOf(Math.max(...row));
    }
  }
  const correct = items.reduce((sum, item, i) => sum + (item.classIndex === predicted[i] ? 1 : 0), 0);
  return {
    loss: items.length ? lossSum / items.length : 0,
    accuracy: items.length ? correct / items.length : 0,
    predicted,
    probabilities,
  };
}
