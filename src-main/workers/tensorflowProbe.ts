import { loadTensorflow } from '../services/tensorflow/loadTensorflow.ts';

/**
 * Loads TensorFlow in its own process and prints what it found as one JSON line, so the main
 * process never maps the 800 MB library and a crash in it cannot take the studio down.
 */
const started = performance.now();
const result = await loadTensorflow();
const { tf } = result;
const x = tf.tensor2d([
  [1, 2],
  [3, 4],
]);
const check = (await tf.matMul(x, x).data())[0];
process.stdout.write(
  `${JSON.stringify({
    backend: result.backend,
    native: result.native,
    tensorflowVersion: result.tensorflowVersion,
    tfjsVersion: tf.version.tfjs,
    problem: result.problem,
    matmulOk: check === 7,
    loadMs: Math.round(performance.now() - started),
  })}\n`,
);
