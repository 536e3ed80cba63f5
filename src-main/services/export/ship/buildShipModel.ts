import type { ExportIoType, ExportQuantization, ShipReport } from '../../../../src-shared/model/ExportBundle.ts';
import type { FeatureSpec } from '../../../../src-shared/model/FeatureSpec.ts';
import type { DeployStats } from '../../../../src-shared/model/Run.ts';
import type { DeployGraph } from '../../optimize/graph/DeployGraph.ts';
import { runGraphFloat } from '../../optimize/graph/runGraphFloat.ts';
import { runGraphInt8 } from '../../optimize/int8/runGraphInt8.ts';
import { calibrate } from '../../optimize/quantize/calibrate.ts';
import type { QuantizedGraph } from '../../optimize/quantize/QuantizedGraph.ts';
import type { TensorflowModule } from '../../tensorflow/loadTensorflow.ts';
import { modelFileSizes } from '../modelFileSizes.ts';
import { serializeTflite } from '../tflite/serializeTflite.ts';
import { tfliteModelFromGraph } from '../tflite/tfliteModelFromGraph.ts';
import { estimateArena } from '../tflm/estimateArena.ts';
import { measureFrontEnd } from './measureFrontEnd.ts';
import { measureInterpreterLatency } from './measureInterpreterLatency.ts';

export interface ShipModelInputs {
  graph: DeployGraph;
  quantize: ExportQuantization;
  io: ExportIoType;
  /** Representative training inputs (int8 only; may be empty for float32). */
  calibration: readonly Float32Array[];
  /** The clips the written model is measured on, with their true class indices. */
  evaluation: { split: ShipReport['evaluationSplit']; inputs: readonly Float32Array[]; truth: readonly number[] };
  macs: number;
  features: FeatureSpec;
  progress?: (stage: string, fraction: number) => void;
}

export interface BuiltShipModel {
  fileName: string;
  bytes: Uint8Array;
  report: ShipReport;
  quantized: QuantizedGraph | null;
}

/**
 * Makes a TFLite model from a deployed graph and measures what was written: calibrates and quantizes
 * to int8 when asked, writes the flatbuffer, and reports sizes, the accuracy of the float graph and of
 * the written model (the int8 engine, TFLite's reference arithmetic) on the evaluation clips, their
 * agreement, the ops, the TFLite Micro arena, the front end's time and, when a TensorFlow Lite
 * interpreter is configured, its latency. Export and the end of a run (TrainSpec.deploy) share it.
 */
export async function buildShipModel(tf: TensorflowModule, inputs: ShipModelInputs): Promise<BuiltShipModel> {
  const { graph, evaluation } = inputs;
  const progress = inputs.progress ?? (() => {});
  const classes = graph.tensors[graph.logits]!.shape.at(-1)!;
  progress(`Running the float model on ${evaluation.inputs.length} ${evaluation.split} clips`, 0.2);
  const floatPredictions = argmaxRows(runGraphFloat(tf, graph, evaluation.inputs, undefined, false).logits, classes);

  let quantized: QuantizedGraph | null = null;
  let modelPredictions = floatPredictions;
  if (inputs.quantize === 'int8') {
    if (inputs.calibration.length === 0)
      throw new Error('no calibration inputs: int8 quantization needs representative inputs');
    progress(`Calibrating int8 ranges on ${inputs.calibration.length} training inputs`, 0.4);
    quantized = calibrate(tf, graph, inputs.calibration);
    progress(`Running the int8 model on ${evaluation.inputs.length} ${evaluation.split} clips`, 0.55);
    modelPredictions = Array.from(runGraphInt8(quantized, evaluation.inputs).predictions);
  }

  progress('Writing and timing the model', 0.85);
  const io = quantized ? inputs.io : 'float32';
  const layout = tfliteModelFromGraph(quantized ?? graph, { io });
  const bytes = serializeTflite(layout);
  const fileName = modelFileName(inputs.quantize, io);
  const arena = estimateArena(graph, () => (quantized ? 1 : 4), { floatEdges: quantized !== null && io === 'float32' });
  const latency = await measureInterpreterLatency(bytes);
  const edge = (id: number) => {
    const q = quantized && io === 'int8' ? quantized.activations[id]! : null;
    return {
      shape: graph.tensors[id]!.shape,
      dtype: io,
      quantization: q ? { scale: q.scale, zeroPoint: q.zeroPoint } : null,
    };
  };
  const report: ShipReport = {
    quantize: inputs.quantize,
    io,
    modelFile: fileName,
    sizes: modelFileSizes(bytes, fileName),
    evaluationSplit: evaluation.split,
    testClips: evaluation.inputs.length,
    floatAccuracy: share(floatPredictions, evaluation.truth),
    modelAccuracy: share(modelPredictions, evaluation.truth),
    agreement: share(modelPredictions, floatPredictions),
    calibrationInputs: quantized?.calibrationInputs ?? 0,
    ops: [...new Set(layout.operators.map((operator) => operator.opcode))],
    arenaBytes: arena.totalBytes,
    macs: inputs.macs,
    frontEndMs: measureFrontEnd(inputs.features),
    interpreterLatencyMs: latency.latencyMs,
    latencyNote: latency.note,
    input: edge(graph.input),
    output: edge(graph.output),
  };
  return { fileName, bytes, report, quantized };
}

/** The run statistics an int8 report gives (summary.deploy). */
export function deployStatsOf(report: ShipReport): DeployStats {
  return {
    io: report.io,
    rawBytes: report.sizes.rawBytes,
    zlibBytes: report.sizes.zlibBytes,
    zipBytes: report.sizes.zipBytes,
    accuracy: report.modelAccuracy,
    floatAccuracy: report.floatAccuracy,
    agreement: report.agreement,
    testClips: report.testClips,
    calibrationInputs: report.calibrationInputs,
    arenaBytes: report.arenaBytes,
    latencyMs: report.interpreterLatencyMs?.default ?? null,
    referenceLatencyMs: report.interpreterLatencyMs?.reference ?? null,
  };
}

/** e.g. model_int8.tflite, model_int8_float_io.tflite, model_float32.tflite. */
export function modelFileName(quantize: ExportQuantization, io: ExportIoType): string {
  if (quantize === 'float32') return 'model_float32.tflite';
  return io === 'float32' ? 'model_int8_float_io.tflite' : 'model_int8.tflite';
}

function argmaxRows(values: Float32Array, columns: number): number[] {
  return Array.from({ length: values.length / columns }, (_, row) => {
    let best = 0;
    for (let c = 1; c < columns; c++) if (values[row * columns + c]! > values[row * columns + best]!) best = c;
    return best;
  });
}

function share(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}
