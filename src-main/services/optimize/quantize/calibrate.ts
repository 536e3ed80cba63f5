import type { TensorflowModule } from '../../tensorflow/loadTensorflow.ts';
import type { DeployGraph } from '../graph/DeployGraph.ts';
import { runGraphFloat } from '../graph/runGraphFloat.ts';
import type { QuantizedGraph } from './QuantizedGraph.ts';
import { quantizeGraph } from './quantizeGraph.ts';

/**
 * Calibrates and quantizes: runs the float graph over representative inputs (each one model input,
 * frames × bins, normalized as in training), takes every tensor's min and max over all of them, and
 * quantizes the graph to int8 from those ranges (see quantizeGraph).
 */
export function calibrate(
  tf: TensorflowModule,
  graph: DeployGraph,
  inputs: readonly Float32Array[],
  batchSize?: number,
): QuantizedGraph {
  if (inputs.length === 0)
    throw new Error(
      'no calibration inputs: int8 quantization sets each activation range from representative inputs, give at least one',
    );
  const { ranges } = runGraphFloat(tf, graph, inputs, batchSize);
  return quantizeGraph(graph, ranges, inputs.length);
}
