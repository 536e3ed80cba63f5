import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readNpy, writeNpy } from './npy.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** The Python with TensorFlow 2.21 that checks our .tflite files: KWS_REF_PYTHON, else the repo's .venv-ref. */
export const referencePython = process.env.KWS_REF_PYTHON ?? path.join(repoRoot, '.venv-ref', 'bin', 'python');
export const hasReferencePython = fs.existsSync(referencePython);
export const referencePythonMissing = `skipped: ${referencePython} is absent; create it with bash scripts/reference/setup-venv.sh (or set KWS_REF_PYTHON)`;

export interface TensorFacts {
  name: string;
  dtype: string;
  shape: number[];
  quantization: { scales: number[]; zero_points: number[]; quantized_dimension: number };
}

export interface ResolverRun {
  input: TensorFacts;
  output: TensorFacts;
  ops: string[];
  latency_ms: number | null;
  tensors: TensorFacts[];
  /** N × outputs, dequantized to float. */
  outputs: Float32Array;
  /** The output tensor's own values (int8 for an int8-output model). */
  raw: Float32Array | Int8Array | Int32Array | Float64Array;
}

export interface TfliteReferenceRun {
  file: {
    schema_version: number;
    identifier: string;
    operator_codes: { name: string; builtin_code: number; deprecated_builtin_code: number; version: number }[];
    buffers: number;
    first_buffer_empty: boolean;
    unaligned_buffers: number[];
    subgraphs: number;
  };
  bytes: number;
  resolvers: Record<'default' | 'builtin_ref', ResolverRun>;
}

function flatten(inputs: readonly Float32Array[]): Float32Array {
  const flat = new Float32Array(inputs.length * inputs[0]!.length);
  inputs.forEach((input, i) => flat.set(input, i * input.length));
  return flat;
}

function python(args: string[]): string {
  const result = spawnSync(referencePython, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(`${path.basename(args[0]!)} failed (exit ${result.status}):\n${result.stderr.slice(-4000)}`);
  return result.stdout;
}

function lastJsonLine(stdout: string): unknown {
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

/**
 * Runs scripts/reference/runTflite.py on a model: both resolvers (XNNPACK default and the reference
 * kernels), every input, float inputs quantized with the model's own parameters when it takes int8.
 */
export function runTfliteReference(
  dir: string,
  name: string,
  model: Uint8Array,
  inputs: readonly Float32Array[],
  inputShape: number[],
  timing: { warmup: number; runs: number } = { warmup: 100, runs: 200 },
): TfliteReferenceRun {
  const modelPath = path.join(dir, `${name}.tflite`);
  const inputPath = path.join(dir, `${name}-inputs.npy`);
  const outDir = path.join(dir, `${name}-outputs`);
  fs.writeFileSync(modelPath, model);
  writeNpy(inputPath, flatten(inputs), [inputs.length, ...inputShape]);
  const stdout = python([
    path.join(repoRoot, 'scripts', 'reference', 'runTflite.py'),
    modelPath,
    inputPath,
    outDir,
    `--warmup=${timing.warmup}`,
    `--runs=${timing.runs}`,
  ]);
  const run = lastJsonLine(stdout) as TfliteReferenceRun;
  for (const resolver of ['default', 'builtin_ref'] as const) {
    const outputs = readNpy(path.join(outDir, `${resolver}.npy`)).data;
    if (!(outputs instanceof Float32Array)) throw new Error(`${resolver}.npy is not float32`);
    run.resolvers[resolver].outputs = outputs;
    run.resolvers[resolver].raw = readNpy(path.join(outDir, `${resolver}_raw.npy`)).data;
  }
  return run;
}

/** Converts a DeployGraph with TF's own converter (scripts/reference/convertDeployGraph.py), full int8. */
export function convertWithTensorflow(
  dir: string,
  name: string,
  graph: unknown,
  calibration: readonly Float32Array[],
  inputShape: number[],
  io: 'int8' | 'float32',
): { model: Uint8Array; tensors: { name: string; scale: number; zero_point: number }[] } {
  const graphPath = path.join(dir, `${name}-graph.json`);
  const calibrationPath = path.join(dir, `${name}-calibration.npy`);
  const outPath = path.join(dir, `${name}-tf.tflite`);
  fs.writeFileSync(
    graphPath,
    JSON.stringify(graph, (_key, value) => (ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value)),
  );
  writeNpy(calibrationPath, flatten(calibration), [calibration.length, ...inputShape]);
  const stdout = python([
    path.join(repoRoot, 'scripts', 'reference', 'convertDeployGraph.py'),
    graphPath,
    calibrationPath,
    outPath,
    `--io=${io}`,
  ]);
  const { tensors } = lastJsonLine(stdout) as { tensors: { name: string; scale: number; zero_point: number }[] };
  return { model: new Uint8Array(fs.readFileSync(outPath)), tensors };
}

/** Runs /work/shared/tools/check_tflite.py (or KWS_CHECK_TFLITE) as it is, on features.npy + labels.json. */
export function runCheckTflite(
  script: string,
  dir: string,
  model: Uint8Array,
  features: readonly Float32Array[],
  featureShape: [number, number],
  labels: number[],
): Record<string, string> {
  const featuresDir = path.join(dir, 'check-features');
  fs.mkdirSync(featuresDir, { recursive: true });
  const modelPath = path.join(featuresDir, 'model.tflite');
  fs.writeFileSync(modelPath, model);
  writeNpy(path.join(featuresDir, 'features.npy'), flatten(features), [features.length, ...featureShape]);
  fs.writeFileSync(path.join(featuresDir, 'labels.json'), JSON.stringify({ labels }));
  const stdout = python([script, modelPath, featuresDir]);
  const line = stdout.trim().split('\n').at(-1)!;
  return Object.fromEntries(line.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
}
