import { createRandom } from '../../../src-shared/random/createRandom.ts';
import type { DatasetItem } from '../../../src-shared/training/planDataset.ts';
import type { TensorflowModule } from '../tensorflow/loadTensorflow.ts';
import type { ExampleMaker } from './ExampleMaker.ts';
import type { KwsModel } from './models/buildModel.ts';

/** Features + model for one clip at batch 1, in milliseconds: the median of 100 runs after 10 warm-ups. */
export function measureLatency(
  tf: TensorflowModule,
  model: KwsModel,
  maker: ExampleMaker,
  item: DatasetItem,
  shape: [number, number, 1],
): number {
  const random = createRandom(1);
  const audio = maker.audioOf(item, false, random);
  const times: number[] = [];
  for (let run = 0; run < 110; run++) {
    const started = performance.now();
    const features = maker.finish(maker.rawFeaturesOfAudio(audio), false, random);
    tf.tidy(() => model.apply(tf.tensor4d(features, [1, ...shape]), false).dataSync());
    if (run >= 10) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
